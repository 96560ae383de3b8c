// attribution.ts's ratios for this checkout and another (e.g. /work/main) in ONE process, block by
// block: each round builds a block of transfers and a block of records per shape for each side and
// times processProposal on it, the side that goes first alternating by round. Separate runs of
// attribution.ts on a shared machine differ by 15% and more from run to run, more than most levers;
// here both sides see the same load at nearly the same moment, and the per-round ratios pair up.
// Each side runs its own code and its own chains (its bench helpers are imported from its checkout).
//
//   node bench/attributionCompare.ts --base /work/main [--rounds 16] [--records 300]
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { median } from './stats.ts';

type Bench = typeof import('./attribution.ts');
const ROWS = [
  'one contribution, cache off',
  'one contribution, steady',
  'eight contributions, cache off',
  'eight contributions, steady',
] as const;

interface Side {
  readonly name: string;
  readonly bench: Bench;
  readonly chains: Awaited<ReturnType<Bench['setUpChains']>>;
  readonly dir: string;
  readonly transfers: number[];
  readonly records: number[][];
}

async function open(name: string, root: string): Promise<Side> {
  const bench: Bench = await import(join(root, 'bench', 'attribution.ts'));
  const dir = mkdtempSync(join(tmpdir(), `openchain-attribution-compare-${name}-`));
  return {
    name,
    bench,
    chains: await bench.setUpChains(dir),
    dir,
    transfers: [],
    records: ROWS.map(() => []),
  };
}

/** One block of each kind for `side`, timed (CPU of this thread) when `keep`. */
async function round(side: Side, seed: number, records: number, keep: boolean): Promise<void> {
  const { bench: b, chains: c } = side;
  const plain = await b.proposal(c.warm, b.transfers(c.transferSenders, 5 * records, BigInt(seed)));
  const rate = await b.verifyRate(c.warm, plain);
  if (keep) side.transfers.push(rate.cpu);
  let row = 0;
  for (const files of [c.single, c.spread]) {
    const block = await b.proposal(
      c.warm,
      b.inferenceRecords(files, c.inferenceSenders, records, seed * 2 + row),
    );
    for (const chain of [c.cold, c.warm]) {
      const r = await b.verifyRate(chain, block);
      if (keep) side.records[row]!.push(r.cpu);
      row++;
    }
  }
}

const { values } = parseArgs({
  options: { base: { type: 'string' }, rounds: { type: 'string' }, records: { type: 'string' } },
});
if (!values.base) throw new Error('--base OTHER_CHECKOUT is required');
const rounds = Number(values.rounds ?? 16);
const records = Number(values.records ?? 300);
const here = fileURLToPath(new URL('..', import.meta.url));
const sides = [await open('base', resolve(values.base)), await open('this', here)];
const load = loadavg()[0]!;
for (let r = 0; r < 3 + rounds; r++) {
  const order = r % 2 === 0 ? sides : [...sides].reverse();
  for (const side of order) await round(side, r + 1, records, r >= 3);
}
console.log(
  `records per transfer in processProposal CPU time, ${rounds} rounds of ${records} records / ${5 * records} transfers, load ${load.toFixed(2)} -> ${loadavg()[0]!.toFixed(2)}`,
);
for (const side of sides) {
  const ratios = side.records.map((rates) => rates.map((x, i) => x / side.transfers[i]!));
  console.log(
    `${side.name.padEnd(4)} transfers ${Math.round(median(side.transfers))}/s; medians of per-round ratios: ${ROWS.map((row, i) => `${row} ${median(ratios[i]!).toFixed(3)}`).join(' | ')}`,
  );
}
for (const side of sides) {
  for (const db of side.chains.dbs) await db.close();
  rmSync(side.dir, { recursive: true, force: true });
}
