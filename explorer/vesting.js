// Unlock schedules as the explorer shows them (docs/vesting.md): an account's locked, vested and
// spendable balance (open_getBalances) and the chain's unlock curve (open_getUnlockCurve) as a
// chart. `curvePath` is pure, so the tests import it directly.
import { amount, fields, h, panel, svg } from './dom.js';
import { formatTimestamp, toBigInt } from './format.js';

const W = 600;
const H = 140;

/**
 * The SVG path of "still vesting" over time, scaled into W × H (the y axis from 0 to the total under
 * schedules), and the x of `now`: a step where the curve jumps (cliffs, unlocks), a line where it
 * vests linearly, as the curve's points give it.
 */
export function curvePath(points, total, now) {
  if (points.length === 0) return { d: '', nowX: null };
  const first = points[0].time;
  const last = points[points.length - 1].time;
  const span = Math.max(1, last - first);
  const x = (t) => ((t - first) / span) * W;
  const max = total > 0n ? total : 1n;
  const y = (v) => H - Number((toBigInt(v) * BigInt(H - 4)) / max);
  const d = points.map((p, i) => `${i === 0 ? 'M' : 'L'}${x(p.time).toFixed(1)},${y(p.vesting)}`).join(' ');
  const nowX = now >= first && now <= last ? x(now) : null;
  return { d, nowX };
}

/** The address page's rows for an account with a schedule (none without one). */
export function balanceRows(b) {
  if (!b || b instanceof Error || !b.schedule) return [];
  return [
    ['Locked', amount(toBigInt(b.locked))],
    ['Spendable', amount(toBigInt(b.spendable))],
    ['Vested', h('span', null, amount(toBigInt(b.vested)), ` of ${scheduleText(b.schedule)}`)],
    toBigInt(b.delegatedVesting) > 0n ? ['Staked while locked', amount(toBigInt(b.delegatedVesting))] : null,
  ].filter(Boolean);
}

function scheduleText(s) {
  const total = amount(toBigInt(s.original)).textContent;
  if (s.kind === 'periodic') return `${total} in ${s.unlocks.length} unlock(s)`;
  const at = (ms) => formatTimestamp(Number(ms) / 1000);
  return `${total}, linear ${at(s.start)} → ${at(s.end)}, cliff ${at(s.cliff)}`;
}

/** The overview's panel: the total supply, what schedules hold, and the curve; null without schedules. */
export function unlockPanel(curve) {
  if (!curve || curve instanceof Error || Number(curve.accounts) === 0) return null;
  const total = toBigInt(curve.total);
  const { d, nowX } = curvePath(curve.points, total, Number(curve.time));
  const first = curve.points[0]?.time;
  const last = curve.points[curve.points.length - 1]?.time;
  return panel(
    'Unlock schedules',
    fields([
      ['Total supply', amount(toBigInt(curve.supply))],
      ['Under schedules', h('span', null, amount(total), ` in ${curve.accounts} account(s)`)],
      ['Still vesting', amount(toBigInt(curve.vesting))],
    ]),
    h(
      'figure',
      { class: 'chart' },
      svg(
        'svg',
        { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': 'Tokens still vesting over time' },
        svg('path', { d, class: 'chart-line', fill: 'none' }),
        ...(nowX === null ? [] : [svg('line', { x1: nowX, x2: nowX, y1: 0, y2: H, class: 'chart-now' })]),
      ),
      h(
        'figcaption',
        { class: 'muted small' },
        `still vesting, ${formatTimestamp(first / 1000)} → ${formatTimestamp(last / 1000)}; the mark is the latest block`,
      ),
    ),
  );
}
