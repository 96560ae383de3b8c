// Runs of missed attestations (state/modules/attribution/attested/misses.ts) counted on a fresh
// in-memory state (DirectCalls), one settlement at a time: a run grows with each miss, starts afresh
// on a reveal, and at maxMissedAttestations is punished (a punishment's gas charged) and starts
// afresh. The validators here have no staking record, so a punishment slashes nothing; the chain
// test in attested.test.ts checks the slash and the jail of a real validator.
import { describe, expect, it } from 'vitest';
import type { Address } from '../../../../core/address.ts';
import { countMisses } from '../../../../state/modules/attribution/attested/misses.ts';
import { type AttestedRecord, readMisses } from '../../../../state/modules/attribution/attested/records.ts';
import { GAS } from '../../../../state/modules/attribution/gas.ts';
import { DirectCalls } from './directCall.ts';

const V1: Address = '0x00000000000000000000000000000000000000f1';
const V2: Address = '0x00000000000000000000000000000000000000f2';

const RECORD: AttestedRecord = {
  modelId: 1n,
  recorder: V1,
  height: 5,
  outputHash: new Uint8Array(32),
  outputBytes: 1,
  candidates: [1n],
  claimedScores: [1],
  commitEnd: 9,
  revealEnd: 13,
  pool: 0n,
  validatorsPool: 0n,
  validators: [
    { operator: V1, power: 10n },
    { operator: V2, power: 20n },
  ],
  settled: false,
  quorumReached: false,
  consensusScores: [],
  revealedPower: 0n,
  payouts: [],
};

/** Settles one record in which the validators at `revealed` (snapshot indices) revealed. */
function settleOne(w: DirectCalls, ...revealed: number[]): void {
  countMisses(w.call(), RECORD, new Set(revealed));
}

const runs = (w: DirectCalls) => [readMisses(w.state, V1), readMisses(w.state, V2)];

describe('missed attestations', () => {
  it('counts a run of misses and starts it afresh on a reveal', () => {
    const w = new DirectCalls();
    w.params = { ...w.params, maxMissedAttestations: 3 };
    settleOne(w, 1);
    settleOne(w, 1);
    expect(runs(w)).toEqual([2, 0]);
    settleOne(w, 0);
    expect(runs(w)).toEqual([0, 1]);
    expect(w.events()).toEqual([]);
    expect(w.gas).toBe(0n);
  });

  it('punishes a run reaching maxMissedAttestations, charging for it, and starts it afresh', () => {
    const w = new DirectCalls();
    w.params = { ...w.params, maxMissedAttestations: 2 };
    settleOne(w, 1);
    expect(runs(w)).toEqual([1, 0]);
    expect(w.gas).toBe(0n);
    settleOne(w);
    // V1's second miss in a row is punished; V2's first is counted.
    expect(runs(w)).toEqual([0, 1]);
    expect(w.events()).toEqual([
      { eventName: 'AttestationsMissed', args: { validator: V1, missed: 2, slashed: 0n } },
    ]);
    // The validator, the pool, the slashed entries and the supply read and written, and the event.
    expect(w.gas).toBe(4n * (GAS.read + GAS.write) + GAS.log);
  });

  it('never punishes when maxMissedAttestations is 0', () => {
    const w = new DirectCalls();
    for (let i = 0; i < 5; i++) settleOne(w);
    expect(runs(w)).toEqual([5, 5]);
    expect(w.events()).toEqual([]);
  });
});
