// The top self-time functions of a V8 CPU profile (node --cpu-prof), as the performance notes quote
// them: each function's own time (not its callees'), summed over every place it was sampled, and its
// share of the busy time (everything but "(idle)"); with --by file, summed per script instead, which
// shows at a glance how much goes to LevelDB, the RPC layer, the mempool or the garbage collector.
//
//   node bench/cpuProfile.ts FILE.cpuprofile… [--top 15] [--by function|file]
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

export interface CpuProfile {
  readonly nodes: readonly {
    readonly id: number;
    readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  }[];
  readonly samples: readonly number[];
  /** Microseconds since the previous sample; a sample's time is the delta that follows it. */
  readonly timeDeltas: readonly number[];
}

export interface SelfTime {
  /** "name (file:line)"; anonymous functions are "(anonymous)". */
  readonly fn: string;
  readonly ms: number;
  /** Share of the busy time. */
  readonly share: number;
}

export interface ProfileSummary {
  readonly totalMs: number;
  readonly idleMs: number;
  readonly busyMs: number;
  readonly top: readonly SelfTime[];
}

const ROOT = fileURLToPath(new URL('..', import.meta.url));

export type Grouping = 'function' | 'file';

function label(frame: CpuProfile['nodes'][number]['callFrame'], by: Grouping): string {
  const name = frame.functionName || '(anonymous)';
  // V8's pseudo-frames ((idle), (program), (garbage collector)) and natives have no script.
  if (!frame.url) return name;
  const file = frame.url.startsWith('file://') ? relative(ROOT, fileURLToPath(frame.url)) : frame.url;
  return by === 'file' ? file : `${name} (${file}:${frame.lineNumber + 1})`;
}

/** Self time per function (or per script), largest first, `top` of them. */
export function topSelfTime(profile: CpuProfile, top = 15, by: Grouping = 'function'): ProfileSummary {
  const byNode = new Map(profile.nodes.map((n) => [n.id, label(n.callFrame, by)]));
  const self = new Map<string, number>();
  let totalUs = 0;
  profile.samples.forEach((id, i) => {
    const us = profile.timeDeltas[i + 1] ?? 0;
    totalUs += us;
    const fn = byNode.get(id) ?? '(unknown)';
    self.set(fn, (self.get(fn) ?? 0) + us);
  });
  const idleUs = self.get('(idle)') ?? 0;
  const busyUs = totalUs - idleUs;
  const ranked = [...self.entries()]
    .filter(([fn]) => fn !== '(idle)')
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, top);
  return {
    totalMs: Math.round(totalUs / 1000),
    idleMs: Math.round(idleUs / 1000),
    busyMs: Math.round(busyUs / 1000),
    top: ranked.map(([fn, us]) => ({
      fn,
      ms: Math.round(us / 1000),
      share: busyUs > 0 ? Math.round((us / busyUs) * 1000) / 1000 : 0,
    })),
  };
}

if (import.meta.main) {
  const { values, positionals } = parseArgs({
    options: { top: { type: 'string' }, by: { type: 'string' } },
    allowPositionals: true,
  });
  const by = (values.by ?? 'function') as Grouping;
  if (by !== 'function' && by !== 'file') throw new Error(`--by function or --by file, not ${by}`);
  for (const file of positionals) {
    const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
    const s = topSelfTime(profile, Number(values.top ?? 15), by);
    console.log(`${file}: ${s.totalMs} ms profiled, ${s.busyMs} ms busy, ${s.idleMs} ms idle`);
    for (const t of s.top)
      console.log(`${(t.share * 100).toFixed(1).padStart(5)}%  ${String(t.ms).padStart(6)} ms  ${t.fn}`);
  }
}
