// The peer comparison's chart: committed throughput and p50 submit-to-final latency against offered
// load, one line per system (anvil, single validator, devnet), built as SVG from the bench's JSON
// and rendered to PNG in Debian's chromium through playwright-core (as the explorer's e2e test
// runs it). Rebuild it from a saved result without re-running the bench:
//
//   node bench/peersChart.ts [bench/results/peers.json] [docs/img/peers.png]
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LoadPoint, PeersResult } from './peersReport.ts';

const COLORS: Record<string, string> = { anvil: '#d97706', single: '#2563eb', devnet: '#059669' };
const WIDTH = 960;
const HEIGHT = 420;
const PANEL = { width: 380, height: 290, top: 70, left: [80, 550] } as const;

/** The x of a point: its offered rate, or at saturation the rate the generator got it accepted. */
export function offered(p: LoadPoint): number {
  return p.offeredPerSecond ?? p.sentPerSecond;
}

/** Round tick steps (1, 2 or 5 × 10^k) from 0 to at least `max`, about `count` of them. */
export function ticks(max: number, count = 5): number[] {
  if (!(max > 0)) return [0, 1];
  const raw = max / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw)!;
  const out: number[] = [];
  for (let t = 0; t < max + step; t += step) out.push(t);
  return out;
}

/** Ticks of a logarithmic axis: 1, 2 and 5 × 10^k, from the power of ten at or below `min` to `max`. */
export function logTicks(min: number, max: number): number[] {
  const out: number[] = [];
  for (let decade = 10 ** Math.floor(Math.log10(Math.max(1, min))); ; decade *= 10)
    for (const m of [1, 2, 5]) {
      out.push(m * decade);
      if (m * decade >= max) return out;
    }
}

const escapeXml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const fmt = (x: number) => (x >= 1000 ? `${x / 1000}k` : String(x));

interface Panel {
  readonly title: string;
  readonly yLabel: string;
  readonly y: (p: LoadPoint) => number;
  /** Latencies span queues of seconds and blocks of milliseconds: a log axis shows both. */
  readonly log: boolean;
}

/** The whole chart as a standalone SVG document. */
export function peersSvg(result: PeersResult): string {
  const series = result.systems.map((s) => ({
    name: s.system,
    label: s.label,
    points: [...s.sweep, s.saturation].sort((a, b) => offered(a) - offered(b)),
  }));
  const all = series.flatMap((s) => s.points);
  const xTicks = ticks(Math.max(1, ...all.map(offered)));
  const panels: Panel[] = [
    { title: 'Committed throughput', yLabel: 'committed tx/s', y: (p) => p.committedPerSecond, log: false },
    { title: 'Submit-to-final latency, p50', yLabel: 'ms (log scale)', y: (p) => p.latencyMs.p50, log: true },
  ];
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="12">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="white"/>`,
    `<text x="${WIDTH / 2}" y="22" text-anchor="middle" font-size="15" font-weight="bold">${escapeXml(
      `Same ${result.setup.transfers.toLocaleString('en-US')} pre-signed transfers, one machine, one run (${result.date.slice(0, 10)}, load ${result.machine.loadAverage.start.toFixed(1)}–${result.machine.loadAverage.end.toFixed(1)})`,
    )}</text>`,
  ];
  for (const [i, panel] of panels.entries()) {
    const left = PANEL.left[i]!;
    const bottom = PANEL.top + PANEL.height;
    const ys = all.map(panel.y);
    const yTicks = panel.log ? logTicks(Math.min(...ys), Math.max(...ys)) : ticks(Math.max(1, ...ys));
    const xMax = xTicks.at(-1)!;
    const [yMin, yMax] = [yTicks[0]!, yTicks.at(-1)!];
    const px = (x: number) => left + (x / xMax) * PANEL.width;
    const py = panel.log
      ? (y: number) => bottom - (Math.log(Math.max(y, yMin) / yMin) / Math.log(yMax / yMin)) * PANEL.height
      : (y: number) => bottom - (y / yMax) * PANEL.height;
    parts.push(
      `<text x="${left + PANEL.width / 2}" y="${PANEL.top - 12}" text-anchor="middle" font-size="13" font-weight="bold">${panel.title}</text>`,
    );
    for (const t of yTicks)
      parts.push(
        `<line x1="${left}" x2="${left + PANEL.width}" y1="${py(t)}" y2="${py(t)}" stroke="#e5e7eb"/>`,
        `<text x="${left - 6}" y="${py(t) + 4}" text-anchor="end">${fmt(t)}</text>`,
      );
    for (const t of xTicks)
      parts.push(`<text x="${px(t)}" y="${bottom + 16}" text-anchor="middle">${fmt(t)}</text>`);
    parts.push(
      `<line x1="${left}" x2="${left + PANEL.width}" y1="${bottom}" y2="${bottom}" stroke="#374151"/>`,
      `<line x1="${left}" x2="${left}" y1="${PANEL.top}" y2="${bottom}" stroke="#374151"/>`,
      `<text x="${left + PANEL.width / 2}" y="${bottom + 34}" text-anchor="middle">offered load, tx/s (rightmost point: saturation)</text>`,
      `<text transform="translate(${left - 52} ${PANEL.top + PANEL.height / 2}) rotate(-90)" text-anchor="middle">${panel.yLabel}</text>`,
    );
    for (const s of series) {
      const color = COLORS[s.name] ?? '#6b7280';
      const path = s.points.map((p) => `${px(offered(p)).toFixed(1)},${py(panel.y(p)).toFixed(1)}`).join(' ');
      parts.push(`<polyline points="${path}" fill="none" stroke="${color}" stroke-width="2"/>`);
      for (const p of s.points)
        parts.push(
          `<circle cx="${px(offered(p)).toFixed(1)}" cy="${py(panel.y(p)).toFixed(1)}" r="3.5" fill="${color}"/>`,
        );
    }
  }
  series.forEach((s, i) => {
    const x = 80 + i * 220;
    const color = COLORS[s.name] ?? '#6b7280';
    parts.push(
      `<rect x="${x}" y="${HEIGHT - 16}" width="14" height="4" fill="${color}"/>`,
      `<text x="${x + 20}" y="${HEIGHT - 11}">${escapeXml(s.label)}</text>`,
    );
  });
  parts.push('</svg>');
  return parts.join('\n');
}

/** Renders the chart to a PNG at `pngPath` (Debian's chromium, or OPENCHAIN_CHROMIUM). */
export async function renderChart(result: PeersResult, pngPath: string): Promise<void> {
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({
    executablePath: process.env['OPENCHAIN_CHROMIUM'] ?? '/usr/bin/chromium',
    args: ['--no-sandbox'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: WIDTH, height: HEIGHT } });
    await page.setContent(`<html><body style="margin:0">${peersSvg(result)}</body></html>`);
    mkdirSync(dirname(resolve(pngPath)), { recursive: true });
    writeFileSync(pngPath, await page.locator('svg').screenshot());
  } finally {
    await browser.close();
  }
}

if (import.meta.main) {
  const jsonPath = process.argv[2] ?? fileURLToPath(new URL('./results/peers.json', import.meta.url));
  const pngPath = process.argv[3] ?? fileURLToPath(new URL('./results/peers.png', import.meta.url));
  await renderChart(JSON.parse(readFileSync(jsonPath, 'utf8')) as PeersResult, pngPath);
  console.log(`wrote ${pngPath}`);
}
