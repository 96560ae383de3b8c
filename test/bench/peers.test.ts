// The peer comparison's pure parts: the shared load's signing, the summary figures, the table, the
// chart's SVG and the profile summary. Timings themselves belong to the bench, not here.
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { topSelfTime } from '../../bench/cpuProfile.ts';
import { batchBody, signTransfers, sinkAddress } from '../../bench/load.ts';
import { logTicks, offered, peersSvg, ticks } from '../../bench/peersChart.ts';
import { formatPeersTable, type LoadPoint, type PeersResult, ratiosTo } from '../../bench/peersReport.ts';
import { descendants, treeCpuMs } from '../../bench/procs.ts';
import { percentiles } from '../../bench/stats.ts';
import { addressFromPrivateKey } from '../../core/address.ts';
import { sha256 } from '../../core/hash.ts';
import { decodeTx, recoverSender } from '../../core/tx.ts';

const keys = [1, 2, 3].map((i) => sha256(new Uint8Array([i])));

describe('signTransfers', () => {
  it('signs round-major from each sender nonce, advances the nonces, and repeats byte for byte', () => {
    const senders = keys.map((key, i) => ({ key, nonce: i }));
    const txs = signTransfers(senders, 2, 1337n);
    expect(senders.map((s) => s.nonce)).toEqual([2, 3, 4]);
    expect(txs.map((t) => t.sender)).toEqual([0, 1, 2, 0, 1, 2]);
    const decoded = txs.map((t) => decodeTx(t.raw));
    expect(decoded.map((d) => Number(d.nonce))).toEqual([0, 1, 2, 1, 2, 3]);
    expect(decoded.map((d) => recoverSender(d))).toEqual(
      [0, 1, 2, 0, 1, 2].map((s) => addressFromPrivateKey(keys[s]!)),
    );
    expect(
      decoded.every((d) => d.chainId === 1337n && d.to?.startsWith('0x0000000000000000000000000000000000be')),
    ).toBe(true);
    const again = signTransfers(
      keys.map((key, i) => ({ key, nonce: i })),
      2,
      1337n,
    );
    expect(again.map((t) => t.rawHex)).toEqual(txs.map((t) => t.rawHex));
    expect(signTransfers([{ key: keys[0]!, nonce: 0 }], 1, 1n)[0]!.rawHex).not.toBe(txs[0]!.rawHex);
  });

  it('batches eth_sendRawTransaction calls with consecutive ids', () => {
    expect(JSON.parse(batchBody(['0x01', '0x02'], 7))).toEqual([
      { jsonrpc: '2.0', id: 7, method: 'eth_sendRawTransaction', params: ['0x01'] },
      { jsonrpc: '2.0', id: 8, method: 'eth_sendRawTransaction', params: ['0x02'] },
    ]);
    expect(sinkAddress(1)).toBe('0x0000000000000000000000000000000000be0001');
  });
});

describe('percentiles', () => {
  it('takes the nearest rank below, rounded', () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i + 0.4);
    expect(percentiles(values)).toEqual({ p50: 51, p95: 96, max: 100 });
    expect(percentiles([5])).toEqual({ p50: 5, p95: 5, max: 5 });
  });
});

function point(
  committed: number,
  p50: number,
  cpu: number | null,
  offeredRate: number | null = null,
): LoadPoint {
  return {
    offeredPerSecond: offeredRate,
    sentPerSecond: committed * 2,
    txs: 1000,
    seconds: 1,
    committedPerSecond: committed,
    latencyMs: { p50, p95: p50 * 2, max: p50 * 3 },
    cpuSecondsPer1000Tx: cpu,
    generatorCpuShare: 0.25,
    retries: 0,
    blocks: 2,
    largestBlock: 600,
    loadAverage: 1.5,
  };
}

const result: PeersResult = {
  benchmark: 'peers',
  date: '2026-12-03T02:00:00.000Z',
  machine: { node: 'v24', cpu: 'test cpu', cores: 2, loadAverage: { start: 1, end: 2 } },
  setup: {
    transfers: 1000,
    senders: 10,
    batch: 200,
    inFlight: 4,
    rates: [0.5],
    rateSeconds: 5,
    chainId: 1337,
    blockGasLimit: '1000000000',
  },
  machineLimit: { threads: 2, samples: [9000, 11000], perSecond: 10_000 },
  systems: [
    {
      system: 'anvil',
      label: 'anvil',
      processes: 1,
      saturation: point(5000, 600, 0.2),
      sweep: [point(2500, 500, 0.3, 2500)],
    },
    {
      system: 'single',
      label: 'single validator',
      processes: 1,
      saturation: point(7500, 900, null),
      sweep: [],
    },
    {
      system: 'devnet',
      label: '4-validator devnet',
      processes: 4,
      saturation: point(2000, 1200, 0.8),
      sweep: [],
    },
  ],
  errors: ['devnet: example failure'],
};

describe('ratiosTo', () => {
  it('divides each system by anvil and by the machine limit; missing figures give null', () => {
    expect(ratiosTo(result)).toEqual([
      { system: 'anvil', committed: 1, p50: 1, p95: 1, cpuPer1000Tx: 1, ofMachineLimit: 0.5 },
      { system: 'single', committed: 1.5, p50: 1.5, p95: 1.5, cpuPer1000Tx: null, ofMachineLimit: 0.75 },
      { system: 'devnet', committed: 0.4, p50: 2, p95: 2, cpuPer1000Tx: 4, ofMachineLimit: 0.2 },
    ]);
    const noAnvil = { ...result, systems: result.systems.slice(1) };
    expect(ratiosTo(noAnvil).every((r) => r.committed === null && r.ofMachineLimit !== null)).toBe(true);
  });

  it('prints one row per saturation and per steady rate, with the ratios and errors', () => {
    const table = formatPeersTable(result);
    expect(table).toMatch(/\| single validator, saturation +\| +7,500 \| +1\.50x \| +900 \/ 1,800 \| +- \|/);
    expect(table).toMatch(/\| anvil, offered 2,500 tx\/s +\| +2,500 \|/);
    expect(table).toContain('machine limit: 10,000 native sender recoveries/s on 2 threads (9,000, 11,000)');
    expect(table).toContain('devnet: 0.20x of the machine limit');
    expect(table).toContain('failed: devnet: example failure');
  });
});

describe('chart', () => {
  it('picks round ticks covering the data', () => {
    expect(ticks(4200)).toEqual([0, 1000, 2000, 3000, 4000, 5000]);
    expect(ticks(0)).toEqual([0, 1]);
    expect(logTicks(340, 4100)).toEqual([100, 200, 500, 1000, 2000, 5000]);
    expect(logTicks(0, 1)).toEqual([1]);
  });

  it('draws one line of every system in both panels, saturation at its accepted rate', () => {
    expect(offered(result.systems[0]!.saturation)).toBe(10_000);
    expect(offered(result.systems[0]!.sweep[0]!)).toBe(2500);
    const svg = peersSvg(result);
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.match(/<polyline /g)).toHaveLength(6);
    expect(svg.match(/<circle /g)).toHaveLength(8);
    for (const label of ['anvil', 'single validator', '4-validator devnet'])
      expect(svg).toContain(`>${label}</text>`);
    expect(svg).toContain('Same 1,000 pre-signed transfers');
  });
});

describe('topSelfTime', () => {
  it('sums each function own time over its nodes and ranks it against the busy time', () => {
    const frame = (functionName: string, url = '', lineNumber = 0) => ({ functionName, url, lineNumber });
    const summary = topSelfTime(
      {
        nodes: [
          { id: 1, callFrame: frame('(idle)') },
          { id: 2, callFrame: frame('hash', 'node:crypto', 9) },
          { id: 3, callFrame: frame('hash', 'node:crypto', 9) },
          { id: 4, callFrame: frame('') },
        ],
        samples: [2, 3, 1, 4, 2],
        timeDeltas: [0, 1000, 2000, 5000, 1000, 4000],
      },
      2,
    );
    expect(summary).toEqual({
      totalMs: 13,
      idleMs: 5,
      busyMs: 8,
      top: [
        { fn: 'hash (node:crypto:10)', ms: 7, share: 0.875 },
        { fn: '(anonymous)', ms: 1, share: 0.125 },
      ],
    });
    const byFile = topSelfTime(
      {
        nodes: [
          { id: 1, callFrame: frame('a', 'node:crypto', 1) },
          { id: 2, callFrame: frame('b', 'node:crypto', 5) },
          { id: 3, callFrame: frame('(garbage collector)') },
        ],
        samples: [1, 2, 3],
        timeDeltas: [0, 1000, 1000, 2000],
      },
      5,
      'file',
    );
    expect(byFile.top).toEqual([
      { fn: '(garbage collector)', ms: 2, share: 0.5 },
      { fn: 'node:crypto', ms: 2, share: 0.5 },
    ]);
  });
});

describe('process tree', () => {
  it('finds a child process and counts its CPU with the parent', async () => {
    const child = spawn('sh', ['-c', 'sleep 30 & wait'], { stdio: 'ignore' });
    try {
      let below: number[] = [];
      for (let i = 0; i < 100 && below.length === 0; i++) {
        await new Promise((r) => setTimeout(r, 20));
        below = descendants(child.pid!);
      }
      expect(below).toHaveLength(1);
      expect(treeCpuMs(child.pid)).toBeGreaterThanOrEqual(0);
      expect(treeCpuMs(2 ** 30)).toBeNull();
    } finally {
      // The sleep first: once the shell is gone it is no longer below it.
      for (const pid of descendants(child.pid!)) process.kill(pid, 'SIGKILL');
      child.kill('SIGKILL');
    }
  });
});
