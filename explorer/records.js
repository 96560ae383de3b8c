// The Datanet, model and contribution pages. Each record comes from its open_ method; what belongs to
// it (a Datanet's contributions, a model's inferences, a contribution's history) from the module's
// indexed logs (logs.js), since the node keeps no other index.
import { eventTopic, topicOf } from './attribution.js';
import {
  addressLink,
  amount,
  badge,
  barLegend,
  blockLink,
  contributionBadge,
  h,
  headerPanel,
  isUnknownRecord,
  namedLink,
  notFound,
  panel,
  recordLink,
  recordTime,
  replace,
  shareBar,
  svg,
  table,
  throttle,
  txLink,
} from './dom.js';
import { formatBps, formatInteger, percent, toBigInt } from './format.js';
import { moduleLogs } from './logs.js';

const PAGE_ROWS = 20;
const CHART_BARS = 24;
const hex = (n) => `0x${BigInt(n).toString(16)}`;
const ok = (value) => (value instanceof Error ? null : value);

/** Reads a record, or answers the page with "not found" when the module does not know the id. */
async function readRecord(rpc, method, what, id) {
  try {
    return { record: await rpc.call(method, [hex(id)]) };
  } catch (err) {
    if (isUnknownRecord(err)) return { missing: notFound(what, `#${id}`) };
    throw err;
  }
}

/**
 * A paginated table over `ids` (newest first): `load(pageIds)` reads one page's rows. The pager
 * redraws in place, so the rest of the page stays as it is.
 */
function pagedTable(ids, headers, load, empty) {
  const box = h('div', null, h('p', { class: 'muted' }, 'Loading…'));
  const pages = Math.max(1, Math.ceil(ids.length / PAGE_ROWS));
  const show = async (page) => {
    const slice = ids.slice(page * PAGE_ROWS, (page + 1) * PAGE_ROWS);
    let rows;
    try {
      rows = await load(slice);
    } catch (err) {
      replace(box, h('p', { class: 'failure' }, String(err?.message ?? err)));
      return;
    }
    const button = (label, target) =>
      h(
        'button',
        {
          type: 'button',
          class: 'button',
          disabled: target < 0 || target >= pages,
          onclick: () => show(target),
        },
        label,
      );
    replace(
      box,
      table(headers, rows, { empty }),
      pages > 1
        ? h(
            'div',
            { class: 'pager' },
            button('← Newer', page - 1),
            h('span', { class: 'muted' }, `page ${page + 1} of ${pages}`),
            button('Older →', page + 1),
          )
        : null,
    );
  };
  show(0);
  return box;
}

/**
 * A page's live update: on new heads (at most every 3 s) the record is read again, and the page is
 * drawn again when it changed (new contributions, earnings, inferences, a status).
 */
export function watchRecord(rpc, method, id, shown, refresh) {
  const before = JSON.stringify(shown);
  return throttle(async () => {
    try {
      if (JSON.stringify(await rpc.call(method, [hex(id)])) !== before) refresh();
    } catch {
      // the next head retries
    }
  }, 3000);
}

// --- Datanet -------------------------------------------------------------------------------------

export async function datanetView(r, alive, { rpc, refresh }) {
  const id = BigInt(r.id);
  const { record: d, missing } = await readRecord(rpc, 'open_getDatanet', 'Datanet', id);
  if (missing) return missing;
  const [added, counts] = await Promise.all([
    moduleLogs(rpc, [eventTopic('ContributionAdded'), null, topicOf(id)]),
    rpc.call('open_attributionCounts'),
  ]);
  const contributionIds = added.map((l) => l.args.contributionId).reverse();
  const owned = new Set(contributionIds.map(String));
  const [rewards, models] = await Promise.all([
    owned.size ? moduleLogs(rpc, [eventTopic('RewardPaid'), null, null, topicOf(2)]) : [],
    latestModels(rpc, Number(toBigInt(counts.models))),
  ]);
  if (!alive()) return { node: h('div') };
  const earnings = rewards.filter((l) => owned.has(String(l.args.refId)));
  const ofDatanet = models.filter((m) => (m.datanetIds ?? []).some((x) => toBigInt(x) === id));
  return {
    title: `Datanet #${id}`,
    onHead: watchRecord(rpc, 'open_getDatanet', id, d, refresh),
    node: h(
      'div',
      null,
      headerPanel(d.name || `Datanet #${id}`, badge(String(d.policy), 'info'), [
        ['ID', `#${id}`],
        ['Owner', addressLink(d.owner, true)],
        [
          'Policy',
          d.policy === 'curated' ? 'curated: the owner approves each contribution' : String(d.policy),
        ],
        ['Bond per contribution', amount(toBigInt(d.bond))],
        ['License', d.license || '—'],
        ['Metadata', d.metadataURI ? h('span', { class: 'mono wrap' }, d.metadataURI) : null],
        ['Created', recordTime(d.createdAt)],
        ['Earned', amount(toBigInt(d.earned ?? 0))],
        ['Contributions', formatInteger(contributionIds.length)],
      ]),
      panel('Earnings over time', earningsChart(earnings)),
      panel(
        `Contributions (${contributionIds.length})`,
        pagedTable(
          contributionIds,
          ['ID', 'Status', 'Contributor', 'Size', 'Earned'],
          async (ids) =>
            (await rpc.batch(ids.map((c) => ['open_getContribution', [hex(c)]]))).map((c, i) =>
              c instanceof Error
                ? failedRow(recordLink('contribution', ids[i]), c, 5)
                : [
                    recordLink('contribution', ids[i]),
                    contributionBadge(c.status),
                    addressLink(c.contributor),
                    `${formatInteger(toBigInt(c.size))} bytes`,
                    amount(toBigInt(c.earned ?? 0)),
                  ],
            ),
          'No contributions yet.',
        ),
      ),
      panel(
        `Models trained on it (${ofDatanet.length})`,
        table(
          ['ID', 'Name', 'Owner', 'Inferences', 'Fees charged'],
          ofDatanet.map((m) => [
            recordLink('model', m.id),
            m.name || '(unnamed)',
            addressLink(m.owner),
            formatInteger(toBigInt(m.inferences ?? 0)),
            amount(toBigInt(m.feesCharged ?? 0)),
          ]),
          { empty: 'No model lists this Datanet.' },
        ),
      ),
    ),
  };
}

/** The newest models (at most 200): few enough to read whole, to find those of a Datanet. */
async function latestModels(rpc, count) {
  const ids = [];
  for (let m = count; m >= 1 && ids.length < 200; m--) ids.push(m);
  return (await rpc.batch(ids.map((m) => ['open_getModel', [hex(m)]]))).map(ok).filter(Boolean);
}

/** Contributor rewards per block range, as bars: what the Datanet's contributions earned when. */
function earningsChart(rewards) {
  if (rewards.length === 0) return h('p', { class: 'muted empty' }, 'Nothing earned yet.');
  const first = rewards[0].block;
  const last = rewards.at(-1).block;
  const width = Math.max(1, Math.ceil((last - first + 1) / CHART_BARS));
  const buckets = Array.from({ length: Math.ceil((last - first + 1) / width) }, () => 0n);
  for (const l of rewards) buckets[Math.floor((l.block - first) / width)] += l.args.amount;
  const max = buckets.reduce((a, b) => (b > a ? b : a), 0n);
  const W = 600;
  const H = 120;
  const bar = W / buckets.length;
  const total = buckets.reduce((a, b) => a + b, 0n);
  return h(
    'figure',
    { class: 'chart' },
    svg(
      'svg',
      { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': 'Earnings per block range' },
      ...buckets.map((value, i) => {
        const height = max === 0n ? 0 : Number((value * BigInt(H - 4)) / max);
        const from = first + i * width;
        return svg(
          'rect',
          { x: i * bar + 1, y: H - height, width: Math.max(1, bar - 2), height, class: 'chart-bar' },
          svg('title', null, `blocks ${from}–${from + width - 1}: ${amount(value).textContent}`),
        );
      }),
    ),
    h(
      'figcaption',
      { class: 'muted small' },
      `${amount(total).textContent} to contributors in ${rewards.length} payouts, blocks ${first}–${last}`,
    ),
  );
}

// --- model ---------------------------------------------------------------------------------------

const SPLIT = [
  ['ownerBps', 'Owner', 'role-owner'],
  ['contributorsBps', 'Contributors', 'role-contributors'],
  ['validatorsBps', 'Validators', 'role-validators'],
  ['treasuryBps', 'Treasury', 'role-treasury'],
];

export async function modelView(r, alive, { rpc, refresh }) {
  const id = BigInt(r.id);
  const { record: m, missing } = await readRecord(rpc, 'open_getModel', 'Model', id);
  if (missing) return missing;
  const [inferred, adapters] = await Promise.all([
    moduleLogs(rpc, [eventTopic('InferenceAttributed'), null, topicOf(id)]),
    moduleLogs(rpc, [eventTopic('ModelRegistered'), null, null, topicOf(id)]),
  ]);
  if (!alive()) return { node: h('div') };
  const inferenceIds = inferred.map((l) => l.args.inferenceId).reverse();
  const split = m.split ?? {};
  const base = toBigInt(m.baseModelId ?? 0);
  return {
    title: `Model #${id}`,
    onHead: watchRecord(rpc, 'open_getModel', id, m, refresh),
    node: h(
      'div',
      null,
      headerPanel(
        m.name || `Model #${id}`,
        badge(base === 0n ? 'base model' : `LoRA adapter, depth ${m.depth}`, 'info'),
        [
          ['ID', `#${id}`],
          ['Owner', addressLink(m.owner, true)],
          ['Fee per inference', amount(toBigInt(m.feePerInference))],
          ['Fee per KB of output', amount(toBigInt(m.feePerKiloByte))],
          [
            'Datanets',
            (m.datanetIds ?? []).length
              ? h(
                  'span',
                  null,
                  m.datanetIds.flatMap((d, i) => [i ? ', ' : '', recordLink('datanet', d)]),
                )
              : '—',
          ],
          ['Base model', base === 0n ? 'none (a base model)' : recordLink('model', base)],
          [
            'Adapters',
            adapters.length
              ? h(
                  'span',
                  null,
                  adapters.flatMap((l, i) => [i ? ', ' : '', recordLink('model', l.args.modelId)]),
                )
              : 'none',
          ],
          ['Metadata', m.metadataURI ? h('span', { class: 'mono wrap' }, m.metadataURI) : null],
          ['Created', recordTime(m.createdAt)],
          ['Inferences', formatInteger(toBigInt(m.inferences ?? 0))],
          ['Fees charged', amount(toBigInt(m.feesCharged ?? 0))],
        ],
      ),
      panel(
        'Fee split',
        shareBar(
          SPLIT.map(([key, label, hue]) => [
            `${label} ${formatBps(split[key] ?? 0)}`,
            BigInt(split[key] ?? 0),
            hue,
          ]),
          10_000n,
        ),
        barLegend(SPLIT.map(([key, label, hue]) => [hue, label, ` ${formatBps(split[key] ?? 0)}`])),
      ),
      panel(
        `Inferences (${inferenceIds.length})`,
        pagedTable(
          inferenceIds,
          ['ID', 'Block', 'Caller', 'Output', 'Attributed', 'Fee'],
          async (ids) =>
            (await rpc.batch(ids.map((i) => ['open_getInference', [hex(i)]]))).map((x, i) =>
              x instanceof Error
                ? failedRow(recordLink('inference', ids[i]), x, 6)
                : [
                    recordLink('inference', ids[i]),
                    blockLink(Number(toBigInt(x.height))),
                    addressLink(x.caller),
                    `${formatInteger(toBigInt(x.outputBytes))} bytes`,
                    percent(toBigInt(x.attributedBytes), toBigInt(x.outputBytes) || 1n),
                    amount(toBigInt(x.fee)),
                  ],
            ),
          'No inferences yet.',
        ),
      ),
    ),
  };
}

// --- contribution --------------------------------------------------------------------------------

const HISTORY = [
  'ContributionAdded',
  'ContributionApproved',
  'ContributionRejected',
  'ContributionFlagged',
  'BondWithdrawn',
];
const HISTORY_TEXT = {
  ContributionAdded: 'submitted',
  ContributionApproved: 'approved by the Datanet owner',
  ContributionRejected: 'rejected by the Datanet owner',
  ContributionFlagged: 'flagged',
  BondWithdrawn: 'bond withdrawn',
};

export async function contributionView(r, alive, { rpc, refresh }) {
  const id = BigInt(r.id);
  const { record: c, missing } = await readRecord(rpc, 'open_getContribution', 'Contribution', id);
  if (missing) return missing;
  const [history, rewards, datanet] = await Promise.all([
    moduleLogs(rpc, [HISTORY.map(eventTopic), topicOf(id)]),
    moduleLogs(rpc, [eventTopic('RewardPaid'), null, null, topicOf(2)]),
    rpc.call('open_getDatanet', [hex(toBigInt(c.datanetId))]).catch(() => null),
  ]);
  if (!alive()) return { node: h('div') };
  const paid = rewards.filter((l) => l.args.refId === id).reverse();
  return {
    title: `Contribution #${id}`,
    onHead: watchRecord(rpc, 'open_getContribution', id, c, refresh),
    node: h(
      'div',
      null,
      headerPanel(`Contribution #${id}`, contributionBadge(c.status), [
        ['Datanet', namedLink('datanet', c.datanetId, datanet?.name)],
        ['Contributor', addressLink(c.contributor, true)],
        ['Status', String(c.status)],
        ['Flag reason', c.flagReason && c.flagReason !== 'none' ? String(c.flagReason) : null],
        [
          'Size',
          `${formatInteger(toBigInt(c.size))} bytes in chunks of ${formatInteger(toBigInt(c.chunkSize ?? 0))}`,
        ],
        ['Chunk root', h('span', { class: 'mono wrap' }, c.chunkRoot)],
        ['URI', c.uri ? h('span', { class: 'mono wrap' }, c.uri) : null],
        ['Bond', h('span', null, amount(toBigInt(c.bond ?? 0)), c.bondStatus ? ` (${c.bondStatus})` : '')],
        ['Submitted', recordTime(c.submittedAt)],
        ['Accepted', recordTime(c.acceptedAt)],
        ['Earned', amount(toBigInt(c.earned ?? 0))],
        ['Attributed in', `${formatInteger(paid.length)} inferences`],
      ]),
      panel(
        'History',
        table(
          ['Block', 'Event', 'Transaction'],
          history.map((l) => [
            blockLink(l.block),
            h(
              'span',
              null,
              HISTORY_TEXT[l.name] ?? l.name,
              l.args?.bondBurned > 0n ? [' · bond burned ', amount(l.args.bondBurned)] : null,
            ),
            txLink(l.tx),
          ]),
          { empty: 'No events found for this contribution.' },
        ),
      ),
      panel(
        `Inferences that attributed it (${paid.length})`,
        table(
          ['Inference', 'Block', 'Paid'],
          paid
            .slice(0, 100)
            .map((l) => [
              recordLink('inference', l.args.inferenceId),
              blockLink(l.block),
              amount(l.args.amount),
            ]),
          { empty: 'No inference has attributed this contribution yet.' },
        ),
      ),
    ),
  };
}
