// One byzantine validator signing many blocks for one step, and anyone replaying or re-pairing its
// votes: one offence is one piece of evidence, the further votes are ignored (not relayed, not
// written to the WAL), and the evidence pool keeps room for other validators' evidence.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readWal } from '../../consensus/wal.ts';
import type { Hex } from '../../core/bytes.ts';
import { duplicateVoteEvidence } from '../../core/evidence.ts';
import { PREVOTE } from '../../core/vote.ts';
import { vote } from './harness/fixtures.ts';
import { single } from './harness/single.ts';

const hash = (i: number) => `0x${i.toString(16).padStart(64, '0')}` as Hex;

describe('equivocation flooding', () => {
  it('conflicting votes beyond the second are ignored, not written to the WAL, and make no new evidence', async () => {
    const t = await single();
    const [a] = t.others;
    const verdicts = [];
    for (let i = 1; i <= 20; i++) {
      verdicts.push(t.send(a!, PREVOTE, 0, hash(i)));
      await t.c.settle();
    }
    expect(verdicts[0]).toEqual({ result: 'accept' });
    expect(verdicts[1]).toEqual({ result: 'accept' }); // the one that proves the offence
    for (const v of verdicts.slice(2))
      expect(v).toMatchObject({ result: 'ignore', code: 'KNOWN_EQUIVOCATION' });
    // A replay of an accepted vote (a new gossip nonce, the same signed bytes) is a duplicate.
    expect(t.send(a!, PREVOTE, 0, hash(1))).toMatchObject({ result: 'ignore', code: 'DUPLICATE' });
    expect(t.engine().status().pendingEvidence).toBe(1);
    const logged = readWal(join(t.node.dir, 'wal')).entries.filter(
      (e) => e.kind === 'vote' && e.vote.validator === t.vals[a!]!.address,
    );
    expect(logged).toHaveLength(2);
    // The same offence proven by another pair of its votes is known already.
    const repaired = duplicateVoteEvidence(
      vote(t.vals[a!]!, PREVOTE, 1, 0, hash(7)),
      vote(t.vals[a!]!, PREVOTE, 1, 0, hash(9)),
    );
    expect(await t.engine().onEvidence(repaired, 'p')).toMatchObject({ result: 'ignore', code: 'DUPLICATE' });
    expect(t.engine().status().pendingEvidence).toBe(1);
  });

  it('one offender cannot fill the evidence pool: honest evidence is still accepted', async () => {
    const t = await single({ config: { evidenceMaxPending: 6, evidenceMaxPerValidator: 2 } });
    const [a, b] = t.others;
    const offence = (i: number, round: number) =>
      duplicateVoteEvidence(
        vote(t.vals[i]!, PREVOTE, 1, round, hash(1)),
        vote(t.vals[i]!, PREVOTE, 1, round, hash(2)),
      );
    const flood = [];
    for (let round = 0; round < 10; round++) flood.push(await t.engine().onEvidence(offence(a!, round), 'p'));
    expect(flood.filter((v) => v.result === 'accept')).toHaveLength(2);
    for (const v of flood.slice(2)) expect(v).toMatchObject({ result: 'ignore', code: 'EVIDENCE_LIMIT' });
    expect(await t.engine().onEvidence(offence(b!, 0), 'p')).toEqual({ result: 'accept' });
  });
});
