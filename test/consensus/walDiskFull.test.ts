// The consensus WAL on a file system that fills up (a real ENOSPC on a tmpfs of the test's own):
// a failed append is cut off rather than left torn, and the validator neither halts nor sends
// anything the WAL does not hold; once space is freed it commits again.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { ConsensusError } from '../../consensus/errors.ts';
import { readWal, Wal } from '../../consensus/wal.ts';
import { PREVOTE } from '../../core/vote.ts';
import { Cluster } from './harness/cluster.ts';
import { makeBlock, makeValidators, plain, proposal, vote } from './harness/fixtures.ts';
import { captureLogger, silentLogger } from './harness/logger.ts';
import type { Message } from './harness/simNetwork.ts';
import { fillDisk, mountTmpfs, tmpfsUnavailable } from './harness/tmpfs.ts';

const vals = makeValidators([1n, 1n, 1n, 1n], 'walfull');
const small = { kind: 'vote', vote: vote(vals[1]!, PREVOTE, 1, 0, null) } as const;

/** What a message is about, so that a re-sent one is recognised. */
function subject(m: Message): string {
  if (m.kind === 'proposal') return `proposal/${m.proposal.height}/${m.proposal.round}`;
  if (m.kind === 'vote') return `vote/${m.vote.height}/${m.vote.round}/${m.vote.type}`;
  return m.kind;
}

describe.skipIf(tmpfsUnavailable)(
  `the WAL on a full disk${tmpfsUnavailable ? ` (skipped: ${tmpfsUnavailable})` : ''}`,
  () => {
    it('cuts a failed append off, says the failure is transient, and appends after it', async () => {
      const dir = mountTmpfs(128 * 1024);
      const path = join(dir, 'wal');
      const wal = Wal.open(path, silentLogger);
      onTestFinished(() => wal.close());
      await wal.writeDurably(small);
      const before = statSync(path).size;
      // A record larger than the whole file system: the kernel takes part of it, then says ENOSPC.
      const huge = makeBlock({
        height: 1,
        parent: { hash: `0x${'00'.repeat(32)}`, time: 1 },
        time: 2,
        proposer: vals[0]!.address,
        validators: vals.map(plain),
        lastCommit: null,
        txs: [new Uint8Array(256 * 1024).fill(7)],
      });
      let failure: unknown;
      try {
        await wal.writeDurably({ kind: 'proposal', proposal: proposal(vals[0]!, huge, 0) });
      } catch (err) {
        failure = err;
      }
      expect(failure).toBeInstanceOf(ConsensusError);
      expect((failure as ConsensusError).code).toBe('WAL_WRITE_TRANSIENT');
      expect(((failure as Error).cause as NodeJS.ErrnoException).code).toBe('ENOSPC');
      expect((failure as Error).message).toMatch(
        new RegExp(`^cannot write the consensus WAL ${path}: ENOSPC`),
      );
      expect(statSync(path).size).toBe(before);

      await wal.writeDurably(small);
      wal.close();
      const read = readWal(path);
      expect(read.problem).toBeUndefined();
      expect(read.entries.map((e) => e.kind)).toEqual(['vote', 'vote']);
    });

    it('a validator whose WAL disk is full sends nothing new and does not halt; freed, it commits again', async () => {
      // Mounted first: unmounted after the cluster's engines have stopped.
      const walDir = mountTmpfs(1024 * 1024);
      const { logger, records } = captureLogger('warn');
      const c = await Cluster.start({ powers: [1n], logger }, []);
      await c.startNode(0, { walDir });
      const node = c.nodes[0]!;
      expect(await c.reach(2)).toBe(true);

      const free = fillDisk(walDir);
      // The WAL file's last page may still take a few records: let them use it up.
      await c.run(20_000);
      const height = node.app.height;
      const sentBefore = new Set(c.net.sent.map((s) => subject(s.message)));
      const sentCount = c.net.sent.length;
      await c.run(20_000);
      expect(node.halted).toBeUndefined();
      expect(node.engine?.running).toBe(true);
      // Nothing was committed, and what was sent meanwhile is only our earlier messages again.
      expect(node.app.height).toBe(height);
      const sentWhileFull = c.net.sent.slice(sentCount).map((s) => subject(s.message));
      expect(sentWhileFull.filter((s) => !sentBefore.has(s))).toEqual([]);
      // It was the WAL that refused them (not some other stall).
      const refusals = records.filter((r) => String(r.msg).startsWith('the consensus WAL cannot be written'));
      expect(refusals.length).toBeGreaterThan(0);

      free();
      expect(await c.reach(node.app.height + 2, 30_000)).toBe(true);
      expect(node.halted).toBeUndefined();
      c.expectSafety();
      // The WAL holds no torn record from the failed appends.
      expect(readWal(join(walDir, 'wal')).problem).toBeUndefined();
    });

    it('with one validator of four on a full disk, the others commit; it acts on no peer input, then catches up', async () => {
      const walDir = mountTmpfs(1024 * 1024);
      const { logger, records } = captureLogger('warn');
      const c = await Cluster.start({ logger }, []);
      await c.startNode(0, { walDir });
      for (const i of [1, 2, 3]) await c.startNode(i);
      const node = c.nodes[0]!;
      expect(await c.reach(2)).toBe(true);

      const free = fillDisk(walDir);
      await c.run(20_000); // the WAL file's last page takes its last few records
      const stuckAt = node.app.height;
      const sentBefore = new Set(c.net.sent.filter((s) => s.from === 'n0').map((s) => subject(s.message)));
      const sentCount = c.net.sent.length;
      // Three of four keep committing without it.
      expect(await c.reach(stuckAt + 3, 60_000, [1, 2, 3])).toBe(true);
      expect(node.halted).toBeUndefined();
      const ownWhileFull = c.net.sent.slice(sentCount).filter((s) => s.from === 'n0');
      expect(ownWhileFull.map((s) => subject(s.message)).filter((s) => !sentBefore.has(s))).toEqual([]);
      expect(records.some((r) => r.msg === 'the consensus WAL cannot be written; input not acted on')).toBe(
        true,
      );

      free();
      const top = Math.max(...c.heights());
      expect(await c.reach(top + 2, 60_000)).toBe(true);
      expect(node.halted).toBeUndefined();
      c.expectSafety();
    });
  },
);
