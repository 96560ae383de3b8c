// The harness's own rules, without a network: manifests are checked before anything starts, the
// random schedule is deterministic and well-formed, stalls are measured only while a quorum was up,
// and the invariant that accounts for transactions catches lost, doubled and refused-yet-included
// ones.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { transactionsAccountedFor } from './invariants.ts';
import type { SentRecord } from './load.ts';
import {
  bannedChecks,
  honestBanChecks,
  INVALID_ATTRIBUTION_PROPOSED,
  invalidAttributionChecks,
  proposerChecks,
} from './logChecks.ts';
import { ManifestError, parseManifest, schedule } from './manifest.ts';
import { StallMeter } from './monitor.ts';

const base = { name: 't', validators: 4, durationS: 60 };

describe('manifest', () => {
  it('rejects a perturbation naming a node the network does not have, and a partition leaving one out', () => {
    expect(() =>
      parseManifest({ ...base, perturbations: [{ kind: 'kill', atS: 1, node: 'node9' }] }),
    ).toThrow(/no node node9/);
    expect(() =>
      parseManifest({
        ...base,
        perturbations: [{ kind: 'partition', atS: 1, groups: [['node0'], ['node1', 'node2']] }],
      }),
    ).toThrow(/node3 is in no group/);
    expect(() => parseManifest({ ...base, perturbations: [{ kind: 'explode', atS: 1 }] })).toThrow(
      ManifestError,
    );
    expect(() => parseManifest({ ...base, durationS: 10, typo: 1 })).toThrow(/typo/);
  });

  it('expands a random schedule deterministically, one fault per interval, each within the run', () => {
    const m = parseManifest({
      ...base,
      durationS: 600,
      random: { everyS: 60, seed: 7, kinds: ['kill', 'pause', 'partition', 'delay', 'loss', 'wal-truncate'] },
    });
    const a = schedule(m);
    expect(schedule(m)).toEqual(a);
    expect(a.length).toBe(9);
    for (const [i, p] of a.entries()) {
      expect(p.atS).toBe(60 * (i + 1));
      if (p.kind === 'partition') {
        expect(new Set(p.groups.flat())).toEqual(new Set(['node0', 'node1', 'node2', 'node3']));
        expect(p.forS).toBeLessThan(60);
      }
    }
    const other = schedule({ ...m, random: { ...m.random!, seed: 8 } });
    expect(other).not.toEqual(a);
  });
});

describe('stall meter', () => {
  it('counts a stall with a quorum only from the moment the quorum was back', () => {
    const s = new StallMeter();
    s.sample(0, 1, true, 0);
    s.sample(10_000, 1, false, 0); // quorum lost: 10 s without a block, none of it healthy
    s.sample(20_000, 1, false, 0);
    s.sample(22_000, 1, true, 0); // back
    s.sample(27_000, 1, true, 0);
    s.sample(28_000, 2, true, 0);
    expect(s.longest.seconds).toBe(27);
    expect(s.longestHealthy.seconds).toBe(5);
    expect(s.longestHealthy.fromS).toBe(22);
  });
});

describe('transactions accounted for', () => {
  const record = (hash: string, outcome: SentRecord['outcome']): SentRecord => ({
    hash: hash as `0x${string}`,
    raw: '0x',
    sender: '0xa',
    nonce: 0n,
    kind: 'transfer',
    outcome,
    lastSentAt: 0,
    included: false,
  });
  const facts = (entries: [string, number[]][]) => ({
    common: 10,
    blocks: 10,
    transactions: 0,
    reference: '',
    blockHashes: new Set<string>(),
    proposers: [],
    txHeights: new Map(entries),
  });

  it('passes when every accepted transaction is in exactly one block', () => {
    expect(transactionsAccountedFor([record('0x1', 'accepted')], facts([['0x1', [3]]]))).toEqual([]);
  });

  it('reports a lost, a doubled and a refused-yet-included transaction', () => {
    const v = transactionsAccountedFor(
      [
        record('0x1', 'accepted'),
        record('0x2', 'accepted'),
        record('0x3', 'refused'),
        record('0x4', 'unknown'),
      ],
      facts([
        ['0x2', [3, 4]],
        ['0x3', [5]],
      ]),
    );
    expect(v).toHaveLength(3);
    expect(v[0]).toMatch(/0x1 .*in no block/);
    expect(v[1]).toMatch(/0x2 is in 2 blocks/);
    expect(v[2]).toMatch(/0x3 was refused/);
  });

  it('does not blame a refusal when the same transaction, signed again for its nonce, was accepted later', () => {
    // A refused nonce is reused; a transfer's fields follow from its nonce, so the new copy has the same hash.
    const v = transactionsAccountedFor(
      [record('0x5', 'refused'), record('0x5', 'accepted')],
      facts([['0x5', [7]]]),
    );
    expect(v).toEqual([]);
  });
});

describe('proposals', () => {
  /** A node whose node.log holds `entries` (one JSON line each, and a line cut by a kill). */
  const node = (name: string, address: string, entries: Record<string, unknown>[]) => {
    const home = mkdtempSync(join(tmpdir(), 'harness-test-'));
    const lines = entries.map((e) => JSON.stringify(e));
    writeFileSync(join(home, 'node.log'), `${lines.join('\n')}\n{"msg":"proposed bl`);
    return { name, home, address };
  };
  const chain = (proposers: string[], txs: [string, number[]][] = [], hashes: string[] = []) => ({
    common: proposers.length,
    blocks: proposers.length,
    transactions: 0,
    reference: '',
    blockHashes: new Set(hashes),
    proposers,
    txHeights: new Map(txs),
  });

  it('a refused proposer must have proposed and have no block; an accepted one must have one', () => {
    const skewed = node('node3', '0x3', [{ msg: 'proposed block', height: 2 }]);
    const silent = node('node1', '0x1', []);
    const small = node('node2', '0x2', []);
    try {
      expect(proposerChecks(chain(['0x0', '0x2']), [skewed], [small])).toEqual([]);
      expect(proposerChecks(chain(['0x0', '0x3']), [skewed, silent], [small])).toEqual([
        '1 block(s) proposed by node3 were committed; its proposals must be refused',
        'node1 never proposed, so no refusal of its blocks was shown',
        'no block proposed by node2 was committed',
      ]);
    } finally {
      for (const n of [skewed, silent, small]) rmSync(n.home, { recursive: true });
    }
  });

  it('invalid attribution: proposed at least once, refused by an honest validator, never committed', () => {
    const proposed = { msg: INVALID_ATTRIBUTION_PROPOSED, tx: '0xt', block: '0xb' };
    const culprit = node('node3', '0x3', [proposed]);
    const idle = node('node3', '0x3', []);
    const refusing = node('node0', '0x0', [{ msg: 'application rejected the proposal', hash: '0xb' }]);
    const blind = node('node1', '0x1', []);
    try {
      expect(invalidAttributionChecks(chain(['0x0']), culprit, [refusing, blind])).toEqual([]);
      expect(invalidAttributionChecks(chain(['0x0']), idle, [refusing])).toEqual([
        'node3 never proposed an invalid attribution record (is its account funded, a record committed?)',
      ]);
      expect(invalidAttributionChecks(chain(['0x0'], [['0xt', [1]]], ['0xb']), culprit, [blind])).toEqual([
        "node3's invalid attribution record 0xt is in block 1",
        "node3's block 0xb with an invalid attribution record was committed",
        "no honest validator logged node3's invalid attribution blocks as rejected",
      ]);
    } finally {
      for (const n of [culprit, idle, refusing, blind]) rmSync(n.home, { recursive: true });
    }
  });

  it('a spammer must be banned by every other node', () => {
    const spammer = { ...node('node3', '0x3', []), peerId: '12D3spam' };
    const banning = node('node0', '0x0', [{ msg: 'disconnecting peer with low score', peer: '12D3spam' }]);
    const other = node('node1', '0x1', [{ msg: 'disconnecting peer with low score', peer: '12D3else' }]);
    try {
      expect(bannedChecks(spammer, [banning])).toEqual([]);
      expect(bannedChecks(spammer, [banning, other])).toEqual(['node1 never banned node3']);
    } finally {
      for (const n of [spammer, banning, other]) rmSync(n.home, { recursive: true });
    }
  });

  it('no node may ban one the run keeps honest; banning a misbehaving one is no violation', () => {
    const ban = (peer: string, score: number) => ({ msg: 'disconnecting peer with low score', peer, score });
    const a = { ...node('node0', '0x0', [ban('12D3b', -160), ban('12D3spam', -400)]), peerId: '12D3a' };
    const b = { ...node('node1', '0x1', []), peerId: '12D3b' };
    const spammer = { ...node('node3', '0x3', [ban('12D3a', -90)]), peerId: '12D3spam' };
    try {
      expect(honestBanChecks([a, b, spammer], new Set(['node0', 'node1']))).toEqual([
        'node0 banned node1 (score -160), a node the run keeps honest',
        'node3 banned node0 (score -90), a node the run keeps honest',
      ]);
      expect(honestBanChecks([a, b, spammer], new Set(['node0']))).toEqual([
        'node3 banned node0 (score -90), a node the run keeps honest',
      ]);
      expect(honestBanChecks([b], new Set(['node1']))).toEqual([]);
    } finally {
      for (const n of [a, b, spammer]) rmSync(n.home, { recursive: true });
    }
  });

  it('expectations name validators only', () => {
    expect(() => parseManifest({ ...base, expect: { refusedProposers: ['node7'] } })).toThrow(
      /expect.refusedProposers: node7 is no validator/,
    );
  });
});
