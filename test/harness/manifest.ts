// The fault harness's manifest: the network (validators, full nodes, per-node settings), the load,
// the perturbations and when they happen, and how long to run. JSON, validated with zod so that a
// typo in a manifest is an error naming the field, not a silently skipped fault.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { OpenchainError } from '../../core/errors.ts';

const seconds = z.number().min(0).max(86_400);
const nodeName = z.string().regex(/^(node|full)\d+$/, 'a node is named nodeN (validator) or fullN');

/** Where each kind needs a node, a link or groups; times are seconds from the start of the run. */
export const perturbationSchema = z.discriminatedUnion('kind', [
  /** kill -9, then start again after `downS`. */
  z.strictObject({ kind: z.literal('kill'), atS: seconds, node: nodeName, downS: seconds.default(5) }),
  /** SIGSTOP, then SIGCONT after `forS`. */
  z.strictObject({ kind: z.literal('pause'), atS: seconds, node: nodeName, forS: seconds.default(5) }),
  /**
   * Nodes talk only to nodes that share a group with them: [[a],[b,c,d]] isolates a;
   * [[a,b,c],[c,d,e]] leaves c as the only bridge. Every node must be in some group.
   */
  z.strictObject({
    kind: z.literal('partition'),
    atS: seconds,
    groups: z.array(z.array(nodeName).min(1)).min(2),
    forS: seconds.default(10),
  }),
  /** Every TCP connection between two nodes passes through a proxy that holds each chunk. */
  z.strictObject({
    kind: z.literal('delay'),
    atS: seconds,
    link: z.tuple([nodeName, nodeName]),
    delayMs: z.number().int().min(0).max(60_000),
    jitterMs: z.number().int().min(0).max(60_000).default(0),
    forS: seconds.default(10),
  }),
  /** Packets between two nodes are dropped at random (each direction), with this probability. */
  z.strictObject({
    kind: z.literal('loss'),
    atS: seconds,
    link: z.tuple([nodeName, nodeName]),
    percent: z.number().min(0).max(100),
    forS: seconds.default(10),
  }),
  /** Restart the node with its clock shifted (testOnly.clockOffsetMs; needs that switch in the node). */
  z.strictObject({
    kind: z.literal('clock-skew'),
    atS: seconds,
    node: nodeName,
    offsetMs: z.number().int(),
  }),
  /** The node's data is on a small tmpfs; this fills it for `forS` (restarting the node if it died). */
  z.strictObject({ kind: z.literal('disk-full'), atS: seconds, node: nodeName, forS: seconds.default(5) }),
  /** kill -9, cut the consensus WAL in the middle of its last record, start again. */
  z.strictObject({ kind: z.literal('wal-truncate'), atS: seconds, node: nodeName }),
  /**
   * Copy the validator's data at `snapshotAtS` (paused for the copy), and at `atS` kill it and start
   * it from that copy. It must not sign anything conflicting: it refuses to start (the harness then
   * puts its current data back) or it starts and no evidence against it appears.
   */
  z.strictObject({
    kind: z.literal('old-data'),
    atS: seconds,
    node: nodeName,
    snapshotAtS: seconds,
  }),
  /** A second process with the validator's key (own home, impatient timeouts): a real double sign. */
  z.strictObject({ kind: z.literal('double-sign'), atS: seconds, node: nodeName, forS: seconds.default(10) }),
]);
export type Perturbation = z.output<typeof perturbationSchema>;
export type PerturbationKind = Perturbation['kind'];

/** A perturbation every `everyS`, kinds and targets drawn from a seeded generator (the soak). */
const randomScheduleSchema = z.strictObject({
  everyS: z.number().min(5),
  seed: z.number().int().default(1),
  kinds: z.array(z.enum(['kill', 'pause', 'partition', 'delay', 'loss', 'wal-truncate'])).min(1),
  /** How long each lasts (down time, pause, partition, delay, loss). */
  forS: seconds.default(15),
});

const testOnlySchema = z
  .strictObject({
    clockOffsetMs: z.number().int().optional(),
    byzantine: z.array(z.string()).optional(),
  })
  .optional();

export const manifestSchema = z.strictObject({
  name: z.string().min(1),
  validators: z.number().int().min(1).max(16),
  fullNodes: z.number().int().min(0).max(8).default(0),
  blockIntervalMs: z.number().int().min(10).default(500),
  durationS: z.number().min(1).max(86_400),
  /** Per node: the config.json `testOnly` section (started with OPENCHAIN_TEST_ONLY=1), extra config. */
  nodes: z
    .record(
      nodeName,
      z.strictObject({
        testOnly: testOnlySchema,
        config: z.record(z.string(), z.unknown()).optional(),
        /** Put its data on a tmpfs of this size (disk-full needs one; set automatically). */
        tmpfsMiB: z.number().int().min(16).max(4096).optional(),
      }),
    )
    .default({}),
  load: z
    .strictObject({
      transfersPerSecond: z.number().min(0).max(10_000).default(10),
      /** Funded accounts sending transfers (each keeps up to `window` unconfirmed transactions). */
      senders: z.number().int().min(1).max(200).default(8),
      window: z.number().int().min(1).max(64).default(16),
      attributionPerMinute: z.number().min(0).max(600).default(6),
    })
    .prefault({}),
  perturbations: z.array(perturbationSchema).default([]),
  random: randomScheduleSchema.optional(),
  expect: z
    .strictObject({
      /** The longest the chain may stand still while more than 2/3 of the power is up and connected. */
      maxStallS: z.number().min(1).default(30),
      /** How long every node gets, after the last perturbation ended, to reach the same height. */
      catchUpS: z.number().min(1).default(90),
      /** Validators (by name) whose double sign the run schedules through byzantine modes. */
      evidenceAgainst: z.array(nodeName).default([]),
      /** Validators that propose but none of whose blocks may be committed (e.g. a clock far ahead). */
      refusedProposers: z.array(nodeName).default([]),
      /** Validators at least one of whose blocks must be committed (e.g. a clock slightly off). */
      acceptedProposers: z.array(nodeName).default([]),
      /**
       * Nodes every other node must ban (spammers). Cut off, they cannot catch up, so the other
       * invariants are checked over the rest.
       */
      banned: z.array(nodeName).default([]),
    })
    .prefault({}),
});
export type Manifest = z.output<typeof manifestSchema>;

export class ManifestError extends OpenchainError<'INVALID_MANIFEST'> {
  constructor(message: string) {
    super('INVALID_MANIFEST', message);
  }
}

export function nodeNames(m: Manifest): string[] {
  return [
    ...Array.from({ length: m.validators }, (_, i) => `node${i}`),
    ...Array.from({ length: m.fullNodes }, (_, i) => `full${i}`),
  ];
}

/** Names every node a perturbation touches. */
function touched(p: Perturbation): string[] {
  if (p.kind === 'partition') return p.groups.flat();
  if (p.kind === 'delay' || p.kind === 'loss') return [...p.link];
  return [p.node];
}

export function parseManifest(json: unknown, source = 'manifest'): Manifest {
  const result = manifestSchema.safeParse(json);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${['manifest', ...i.path].join('.')}: ${i.message}`);
    throw new ManifestError(`invalid ${source}:\n  ${problems.join('\n  ')}`);
  }
  const m = result.data;
  const names = new Set(nodeNames(m));
  const problems: string[] = [];
  for (const name of Object.keys(m.nodes)) if (!names.has(name)) problems.push(`nodes.${name}: no such node`);
  for (const name of m.expect.banned) if (!names.has(name)) problems.push(`expect.banned: no node ${name}`);
  for (const key of ['evidenceAgainst', 'refusedProposers', 'acceptedProposers'] as const)
    for (const name of m.expect[key])
      if (!names.has(name) || !name.startsWith('node'))
        problems.push(`expect.${key}: ${name} is no validator`);
  for (const [i, p] of m.perturbations.entries()) {
    for (const name of touched(p)) if (!names.has(name)) problems.push(`perturbations.${i}: no node ${name}`);
    if (p.kind === 'partition') {
      const covered = new Set(p.groups.flat());
      for (const name of names)
        if (!covered.has(name)) problems.push(`perturbations.${i}: ${name} is in no group`);
    }
    if ((p.kind === 'delay' || p.kind === 'loss') && p.link[0] === p.link[1])
      problems.push(`perturbations.${i}: a link joins two different nodes`);
    if ((p.kind === 'old-data' || p.kind === 'double-sign') && !p.node.startsWith('node'))
      problems.push(`perturbations.${i}: ${p.kind} needs a validator`);
    if (p.kind === 'old-data' && p.snapshotAtS >= p.atS)
      problems.push(`perturbations.${i}: snapshotAtS must come before atS`);
    if (p.atS > m.durationS) problems.push(`perturbations.${i}: starts after the run ends`);
  }
  if (m.random && names.size < 3) problems.push('random: needs at least three nodes');
  if (problems.length > 0) throw new ManifestError(`invalid ${source}:\n  ${problems.join('\n  ')}`);
  return m;
}

export function loadManifest(path: string): Manifest {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new ManifestError(`cannot read ${path}: ${(err as Error).message}`);
  }
  return parseManifest(json, path);
}

/** A small deterministic generator (mulberry32), so a seed names one schedule. */
function generator(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * The explicit perturbations plus those of the random schedule, sorted by time. Random ones never
 * overlap each other (each lasts less than the interval) and touch at most a minority of the power,
 * except partitions, which may also cut a majority off (the chain must then halt and recover).
 */
export function schedule(m: Manifest): Perturbation[] {
  const out = [...m.perturbations];
  if (m.random) {
    const r = m.random;
    const next = generator(r.seed);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!;
    const names = nodeNames(m);
    const forS = Math.min(r.forS, r.everyS * 0.6);
    for (let at = r.everyS; at + forS < m.durationS; at += r.everyS) {
      const kind = pick(r.kinds);
      const node = pick(names);
      const other = pick(names.filter((n) => n !== node));
      switch (kind) {
        case 'kill':
          out.push({ kind, atS: at, node, downS: forS });
          break;
        case 'pause':
          out.push({ kind, atS: at, node, forS });
          break;
        case 'wal-truncate':
          out.push({ kind, atS: at, node });
          break;
        case 'delay':
          out.push({ kind, atS: at, link: [node, other], delayMs: 200, jitterMs: 100, forS });
          break;
        case 'loss':
          out.push({ kind, atS: at, link: [node, other], percent: 20, forS });
          break;
        case 'partition': {
          // A minority cut off, a majority cut off, or one node left as the only bridge.
          const shuffled = [...names];
          for (let i = shuffled.length - 1; i > 0; i--) {
            const j = Math.floor(next() * (i + 1));
            [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
          }
          const shape = pick(['minority', 'majority', 'bridge'] as const);
          const cut =
            shape === 'majority' ? Math.ceil(names.length / 2) : Math.max(1, Math.floor(names.length / 3));
          const groups =
            shape === 'bridge'
              ? [
                  shuffled.slice(0, Math.ceil(names.length / 2)),
                  shuffled.slice(Math.ceil(names.length / 2) - 1),
                ]
              : [shuffled.slice(0, cut), shuffled.slice(cut)];
          out.push({ kind, atS: at, groups, forS });
          break;
        }
      }
    }
  }
  return out.sort((a, b) => a.atS - b.atS);
}

const MANIFESTS = new URL('./manifests/', import.meta.url).pathname;

/** The manifests of a suite: files named `<suite>-*.json` in manifests/. */
export function suite(name: string): string[] {
  const files = readdirSync(MANIFESTS).filter((f) => f.startsWith(`${name}-`) && f.endsWith('.json'));
  if (files.length === 0) throw new OpenchainError('USAGE', `no manifests for suite ${name} in ${MANIFESTS}`);
  return files.sort().map((f) => join(MANIFESTS, f));
}
