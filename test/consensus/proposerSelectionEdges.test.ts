// Proposer selection where CometBFT's vectors do not look: the address order of a state whatever
// order validators come in, the tie-break when the proposer leaves, the proposer kept when it stays,
// the rescale ratio (a ceiling division), an empty change set, a validator holding exactly the maximum
// power, and the order of updates that avoids a false overflow whichever address the decrease has.
import { describe, expect, it } from 'vitest';
import {
  incrementProposerPriority,
  MAX_TOTAL_VOTING_POWER,
  newProposerState,
  type ProposerState,
  updateProposerState,
} from '../../consensus/proposer.ts';
import type { Validator } from '../../core/validator.ts';
import { addr, raw, spec, val, vs } from './harness/proposerFixtures.ts';

const max = MAX_TOTAL_VOTING_POWER;
const priorities = (s: ProposerState) => s.validators.map((v) => v.priority);

function permutations<T>(list: readonly T[]): T[][] {
  if (list.length <= 1) return [[...list]];
  return list.flatMap((x, i) =>
    permutations([...list.slice(0, i), ...list.slice(i + 1)]).map((p) => [x, ...p]),
  );
}

describe('address order', () => {
  it('a state lists its validators by address, whatever order they are given in', () => {
    const validators = vs('a:1 b:2 c:3 d:4');
    for (const order of permutations(validators)) {
      const state = newProposerState(order);
      expect(spec(state)).toBe('a:1 b:2 c:3 d:4');
    }
  });

  it('so do updates that add validators in any order', () => {
    const start = newProposerState(vs('b:2 d:4'));
    for (const order of permutations(vs('a:1 c:3 e:5'))) {
      expect(spec(updateProposerState(start, order))).toBe('a:1 b:2 c:3 d:4 e:5');
    }
  });
});

describe('the proposer after an update', () => {
  it('stays the proposer while it is a member, even without the highest priority', () => {
    const state = raw(
      [
        ['a', 1, 5],
        ['b', 1, 0],
        ['c', 1, -5],
      ],
      'b',
    );
    expect(updateProposerState(state, vs('d:1')).proposer).toBe(addr('b'));
  });

  it('when it leaves, the highest priority takes over, not the smallest address', () => {
    // c (the proposer) leaves and a joins below everyone (at -1.125 x the power before removals).
    const state = raw(
      [
        ['b', 8, 0],
        ['c', 8, 0],
      ],
      'c',
    );
    const updated = updateProposerState(state, [val('c', 0), val('a', 8)]);
    expect(spec(updated)).toBe('a:8 b:8');
    expect(updated.proposer).toBe(addr('b'));
  });

  it('when it leaves and priorities tie, the smaller address takes over', () => {
    // Power before removals 24, so a joins at -(24 + 3) = -27: exactly b's priority.
    const state = raw(
      [
        ['b', 8, -27],
        ['c', 8, 0],
      ],
      'c',
    );
    const updated = updateProposerState(state, [val('c', 0), val('a', 8)]);
    expect(priorities(updated)).toEqual([0n, 0n]);
    expect(updated.proposer).toBe(addr('a'));
  });

  it('an empty change set changes nothing', () => {
    const state = raw(
      [
        ['a', 1, 3],
        ['b', 1, 0],
      ],
      'b',
    );
    expect(updateProposerState(state, [])).toEqual(state);
  });
});

describe('rescaling (CometBFT RescalePriorities)', () => {
  it('divides by the ceiling of spread / (2 x total power)', () => {
    // Total power 2, so the spread may be 4. A spread of 8 divides by 2: (4, 0), centred (2, -2),
    // then one step (+1 each, a proposes: -2).
    const exact = incrementProposerPriority(
      raw([
        ['a', 1, 8],
        ['b', 1, 0],
      ]),
      1,
    );
    expect(priorities(exact)).toEqual([1n, -1n]);
    expect(exact.proposer).toBe(addr('a'));
    // A spread of 7 divides by 2 as well: (3, 0), centred (2, -1), one step (1, 0).
    const below = incrementProposerPriority(
      raw([
        ['a', 1, 7],
        ['b', 1, 0],
      ]),
      1,
    );
    expect(priorities(below)).toEqual([1n, 0n]);
    // A spread of 9 divides by 3: (3, 0), centred (2, -1), one step (1, 0).
    const above = incrementProposerPriority(
      raw([
        ['a', 1, 9],
        ['b', 1, 0],
      ]),
      1,
    );
    expect(priorities(above)).toEqual([1n, 0n]);
  });
});

describe('voting power limits', () => {
  it('one validator may hold exactly the maximum total power', () => {
    const state = newProposerState([val('v1', max)]);
    expect(spec(state)).toBe(`v1:${max}`);
    expect(updateProposerState(state, [val('v1', max)]).validators[0]!.validator.power).toBe(max);
  });

  it('a decrease is applied before an increase whichever address each has (no false overflow)', () => {
    const cases: [string, Validator[], string][] = [
      [
        `v2:${max - 1n} v1:1`,
        [val('v1', max / 2n - 1n), val('v2', max / 2n)],
        `v1:${max / 2n - 1n} v2:${max / 2n}`,
      ],
      [
        `v1:${max - 1n} v2:1`,
        [val('v1', max / 2n), val('v2', max / 2n - 1n)],
        `v1:${max / 2n} v2:${max / 2n - 1n}`,
      ],
    ];
    for (const [start, changes, expected] of cases) {
      const state = newProposerState(vs(start));
      expect(spec(updateProposerState(state, changes))).toBe(expected);
      expect(spec(updateProposerState(state, [...changes].reverse()))).toBe(expected);
    }
  });
});
