// One harness run: hosts, homes and processes up, load and perturbations for the manifest's
// duration, every fault undone, then the invariants over RPC and a report. Everything it created
// (processes, namespaces, bridge, tmpfs mounts, the run directory unless kept) is removed at the
// end, also when the run fails or is interrupted.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { byzantineAccount } from '../../node/byzantine/invalidAttribution.ts';
import { homePaths } from '../../node/home.ts';
import { loadValidatorKey } from '../../node/keys.ts';
import { rpc } from '../e2e/cli.ts';
import { type Cluster, createCluster } from './cluster.ts';
import {
  agreement,
  balancesAgree,
  caughtUp,
  evidenceMatches,
  type NodeView,
  transactionsAccountedFor,
} from './invariants.ts';
import { Load } from './load.ts';
import {
  bannedChecks,
  honestBanChecks,
  invalidAttributionChecks,
  type LoggedNode,
  proposerChecks,
} from './logChecks.ts';
import { type Manifest, schedule } from './manifest.ts';
import { Monitor, type Stall } from './monitor.ts';
import { createNetwork, type Network } from './network.ts';
import { type AppliedPerturbation, Perturber } from './perturb.ts';

export interface NodeReport {
  readonly name: string;
  readonly address: string | null;
  readonly restarts: number;
  readonly height: number;
  readonly rssStartMiB: number | undefined;
  readonly rssEndMiB: number | undefined;
}

export interface Report {
  readonly name: string;
  readonly network: { mode: 'netns' | 'loopback'; reason?: string };
  readonly durationS: number;
  readonly blocks: number;
  readonly transactions: number;
  readonly load: {
    sent: number;
    accepted: number;
    refused: number;
    unknown: number;
    included: number;
    attributionIncluded: number;
  };
  readonly longestStall: Stall;
  readonly longestStallWithQuorum: Stall;
  readonly evidence: { height: number; validator: string }[];
  readonly supply: string;
  readonly perturbations: AppliedPerturbation[];
  readonly nodes: NodeReport[];
  readonly violations: string[];
  readonly dir: string;
}

const MiB = 1024 * 1024;
const DRAIN_MS = 60_000;

/** Undo hooks for SIGINT/SIGTERM: the run cleans up even when interrupted. */
const cleanups = new Set<() => Promise<void>>();
let signalsHooked = false;
function onInterrupt(): void {
  if (signalsHooked) return;
  signalsHooked = true;
  for (const sig of ['SIGINT', 'SIGTERM'] as const)
    process.once(sig, async () => {
      console.error(`\n[harness] ${sig}: tearing down`);
      for (const c of cleanups) await c().catch(() => {});
      process.exit(130);
    });
}

export async function runManifest(
  m: Manifest,
  opts: { keep?: boolean; loopbackOnly?: boolean; log?: (line: string) => void } = {},
): Promise<Report> {
  const log = opts.log ?? ((line: string) => console.log(`[harness] ${line}`));
  onInterrupt();
  const dir = mkdtempSync(join(tmpdir(), `openchain-harness-${m.name}-`));
  let network: Network | undefined;
  let cluster: Cluster | undefined;
  let failed = true;
  const cleanup = async () => {
    await cluster?.close();
    await network?.close();
  };
  cleanups.add(cleanup);
  try {
    network = await createNetwork({ loopbackOnly: opts.loopbackOnly });
    log(
      network.mode === 'netns'
        ? `each node in its own network namespace on ${network.gateway.replace(/\.1$/, '.0/24')}`
        : `NO network namespaces (${network.reason}): all nodes on loopback; network faults are skipped`,
    );
    cluster = await createCluster(m, dir, network);
    const c = cluster;
    await Promise.all([...c.nodes.keys()].map((name) => c.start(name)));
    const running = () => [...c.nodes.values()].filter((n) => n.proc && !n.paused).map((n) => n.rpcUrl);
    // Banned nodes (spammers) are cut off and cannot follow: the invariants cover the others.
    const views: NodeView[] = [...c.nodes.values()]
      .filter((n) => !m.expect.banned.includes(n.name))
      .map((n) => ({ name: n.name, url: n.rpcUrl }));
    await caughtUp(views, 1, 60_000).then((v) => {
      if (v.length > 0) throw new Error(`the network did not start: ${v.join('; ')}`);
    });
    const rssStart = new Map([...c.nodes.keys()].map((n) => [n, c.rss(n)]));
    const addresses = new Map<string, string>();
    for (const n of c.nodes.values()) {
      const info = await rpc<{ validatorAddress: string | null }>(n.rpcUrl, 'open_nodeInfo');
      if (n.validator && info.validatorAddress) addresses.set(n.name, info.validatorAddress);
    }

    // Validators proposing invalid attribution records send them from an account the load funds.
    const invalidAttribution = [...c.nodes.values()].filter((n) =>
      m.nodes[n.name]?.testOnly?.byzantine?.includes('propose-invalid-attribution'),
    );
    const load = new Load(c.accounts, {
      transfersPerSecond: m.load.transfersPerSecond,
      attributionPerMinute: m.load.attributionPerMinute,
      window: m.load.window,
      urls: running,
      fund: invalidAttribution.map(
        (n) => byzantineAccount(loadValidatorKey(homePaths(n.home).validatorKey)).address,
      ),
    });
    log(
      `load: ${m.load.transfersPerSecond} transfers/s, ${m.load.attributionPerMinute} attribution records/min`,
    );
    await load.setup(views[0]!.url);
    const perturber = new Perturber(c, log);
    const monitor = new Monitor(
      running,
      () => perturber.quorumConnected(),
      (txs) => load.sawBlock(txs),
    );
    const t0 = Date.now();
    monitor.start(t0);
    load.start();
    const plan = schedule(m);
    log(`${plan.length} perturbation(s) over ${m.durationS} s`);
    const faults = perturber.run(plan, t0);
    await new Promise((r) => setTimeout(r, m.durationS * 1000));
    await load.stop();
    await perturber.restoreAll();
    await faults;
    log('faults undone; draining the load and letting every node catch up');

    // What was accepted gets a minute to land (sent again every few seconds, as a wallet would).
    const drainUntil = Date.now() + DRAIN_MS;
    while (Date.now() < drainUntil && load.records.some((r) => r.outcome !== 'refused' && !r.included)) {
      await load.resendPending(Date.now(), 3_000);
      await new Promise((r) => setTimeout(r, 1_000));
      await monitor.tick(t0);
    }
    await monitor.stop();

    const violations: string[] = [];
    const target = monitor.maxHeight + 2;
    violations.push(...(await caughtUp(views, target, m.expect.catchUpS * 1000)));
    const facts = await agreement(views, violations);
    violations.push(...transactionsAccountedFor(load.records, facts));
    const balances = await balancesAgree(
      views,
      [...new Set([...load.addresses(), ...(await rewardAddresses(views[0]!.url))])],
      facts.common,
    );
    violations.push(...balances.violations);
    const expected = new Map<string, string>();
    for (const name of perturber.culprits) expected.set(name, 'ran twice (double-sign)');
    for (const name of m.expect.evidenceAgainst) expected.set(name, 'the manifest names as byzantine');
    const evidence = await evidenceMatches(facts.reference, facts.blocks, expected, addresses);
    violations.push(...evidence.violations);
    const logged = (name: string): LoggedNode => ({
      name,
      home: c.nodes.get(name)!.home,
      address: (addresses.get(name) ?? '').toLowerCase(),
    });
    violations.push(
      ...proposerChecks(facts, m.expect.refusedProposers.map(logged), m.expect.acceptedProposers.map(logged)),
    );
    const withPeerId = (name: string) => ({
      ...logged(name),
      peerId: c.nodes.get(name)!.p2p.split('/p2p/')[1]!,
    });
    for (const name of m.expect.banned)
      violations.push(
        ...bannedChecks(
          withPeerId(name),
          views.map((v) => logged(v.name)),
        ),
      );
    // Honest: not meant to be cut off, not byzantine, never made to double-sign or skew its clock.
    const misbehaved = new Set([
      ...m.expect.banned,
      ...m.expect.refusedProposers,
      ...m.expect.evidenceAgainst,
      ...perturber.culprits,
      ...perturber.applied.filter((p) => p.kind === 'clock-skew').map((p) => p.target),
      ...[...c.nodes.keys()].filter((name) => m.nodes[name]?.testOnly?.byzantine?.length),
    ]);
    violations.push(
      ...honestBanChecks(
        [...c.nodes.keys()].map(withPeerId),
        new Set([...c.nodes.keys()].filter((name) => !misbehaved.has(name))),
      ),
    );
    for (const culprit of invalidAttribution) {
      const honest = [...addresses.keys()].filter((name) => !m.nodes[name]?.testOnly?.byzantine?.length);
      violations.push(...invalidAttributionChecks(facts, logged(culprit.name), honest.map(logged)));
    }
    const stalls = monitor.stalls;
    if (stalls.longestHealthy.seconds > m.expect.maxStallS)
      violations.push(
        `no block for ${stalls.longestHealthy.seconds.toFixed(1)} s from t=${stalls.longestHealthy.fromS.toFixed(0)} s at height ${stalls.longestHealthy.height} while more than 2/3 of the power was up and connected (at most ${m.expect.maxStallS} s allowed)`,
      );
    for (const p of perturber.applied)
      if (p.outcome === 'failed') violations.push(`perturbation ${p.kind} ${p.target} failed: ${p.note}`);

    const stats = load.stats();
    const nodes: NodeReport[] = [];
    for (const n of c.nodes.values()) {
      const rssEnd = c.rss(n.name);
      const start = rssStart.get(n.name);
      nodes.push({
        name: n.name,
        address: addresses.get(n.name) ?? null,
        restarts: n.restarts,
        height: await rpc<string>(n.rpcUrl, 'eth_blockNumber', [], 5_000).then(Number, () => -1),
        rssStartMiB: start === undefined ? undefined : Math.round(start / MiB),
        rssEndMiB: rssEnd === undefined ? undefined : Math.round(rssEnd / MiB),
      });
    }
    const report: Report = {
      name: m.name,
      network: { mode: network.mode, ...(network.reason ? { reason: network.reason } : {}) },
      durationS: m.durationS,
      blocks: facts.blocks,
      transactions: facts.transactions,
      load: {
        sent: stats.records.length,
        accepted: stats.accepted,
        refused: stats.refused,
        unknown: stats.unknown,
        included: stats.included,
        attributionIncluded: stats.attributionIncluded,
      },
      longestStall: stalls.longest,
      longestStallWithQuorum: stalls.longestHealthy,
      evidence: evidence.found,
      supply: balances.supply.toString(),
      perturbations: perturber.applied,
      nodes,
      violations,
      dir,
    };
    writeFileSync(join(dir, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
    failed = violations.length > 0;
    return report;
  } finally {
    cleanups.delete(cleanup);
    await cleanup();
    if (!failed && !opts.keep) rmSync(dir, { recursive: true, force: true });
    else log(`run directory kept: ${dir} (node logs in each home's node.log)`);
  }
}

async function rewardAddresses(url: string): Promise<string[]> {
  const v = await rpc<{ validators: { rewardAddress: string }[] }>(url, 'open_validators');
  return v.validators.map((x) => x.rewardAddress);
}

export function formatReport(r: Report): string {
  const lines = [
    `== ${r.name}: ${r.violations.length === 0 ? 'PASS' : `FAIL (${r.violations.length} violation(s))`}`,
    `network: ${r.network.mode}${r.network.reason ? ` (${r.network.reason})` : ''}; ${r.durationS} s of load and faults`,
    `chain: ${r.blocks} blocks, ${r.transactions} transactions; evidence: ${r.evidence.length === 0 ? 'none' : r.evidence.map((e) => `${e.validator}@${e.height}`).join(', ')}`,
    `load: ${r.load.sent} sent, ${r.load.accepted} accepted, ${r.load.refused} refused, ${r.load.unknown} unanswered, ${r.load.included} in blocks (${r.load.attributionIncluded} attribution records)`,
    `longest stall: ${r.longestStall.seconds.toFixed(1)} s (from t=${r.longestStall.fromS.toFixed(0)} s); with a quorum up and connected: ${r.longestStallWithQuorum.seconds.toFixed(1)} s`,
    'perturbations:',
    ...r.perturbations.map(
      (p) => `  t=${p.atS}s ${p.kind} ${p.target}: ${p.outcome}${p.note ? ` (${p.note})` : ''}`,
    ),
    'nodes:',
    ...r.nodes.map(
      (n) =>
        `  ${n.name}: height ${n.height}, ${n.restarts} restart(s), RSS ${n.rssStartMiB ?? '?'} MiB at start, ${n.rssEndMiB ?? '?'} MiB at end`,
    ),
    ...(r.violations.length > 0 ? ['violations:', ...r.violations.map((v) => `  - ${v}`)] : []),
  ];
  return lines.join('\n');
}
