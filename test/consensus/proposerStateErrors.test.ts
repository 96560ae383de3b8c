// Refused validator changes and corrupt stored proposer states: each refusal has its code and a
// message naming what is wrong (the validator, the limit, the field), so an operator can act on it.
import { describe, expect, it } from 'vitest';
import {
  decodeProposerState,
  encodeProposerState,
  incrementProposerPriority,
  MAX_TOTAL_VOTING_POWER,
  newProposerState,
  updateProposerState,
} from '../../consensus/proposer.ts';
import { DecodeError } from '../../core/errors.ts';
import { type RlpItem, rlpDecode, rlpEncode } from '../../core/rlp.ts';
import { testValidators } from '../core/helpers.ts';
import { addr, expectConsensusError, val, vs } from './harness/proposerFixtures.ts';

const max = MAX_TOTAL_VOTING_POWER;
const INVALID = 'INVALID_VALIDATOR_CHANGES';

describe('refused validator changes', () => {
  const state = newProposerState(vs('v1:10 v2:10'));

  it('name the validator or the limit', () => {
    expectConsensusError(
      () => updateProposerState(state, vs('v1:11 v1:12')),
      INVALID,
      /^duplicate change for validator 0x7631$/,
    );
    expectConsensusError(
      () => updateProposerState(state, vs('v2:-1')),
      INVALID,
      /^negative voting power for 0x7632$/,
    );
    expectConsensusError(
      () => updateProposerState(state, [val('v1', max + 1n)]),
      'TOTAL_POWER_OVERFLOW',
      new RegExp(`^voting power of 0x7631 exceeds ${max}$`),
    );
    expectConsensusError(
      () => updateProposerState(newProposerState(vs(`v1:${max - 1n}`)), vs('v2:5')),
      'TOTAL_POWER_OVERFLOW',
      new RegExp(`^total voting power would exceed ${max}$`),
    );
    expectConsensusError(
      () => updateProposerState(state, vs('v1:0 v2:0')),
      INVALID,
      /^the changes would leave the validator set empty$/,
    );
    expectConsensusError(
      () => updateProposerState(state, vs('v3:0')),
      INVALID,
      /^cannot remove unknown validator 0x7633$/,
    );
  });

  it('a new set: empty, or with a zero-power validator', () => {
    expectConsensusError(() => newProposerState([]), INVALID, /^empty validator set$/);
    expectConsensusError(
      () => newProposerState(vs('v1:0 v2:22')),
      INVALID,
      /^a new validator set cannot contain zero-power validators$/,
    );
  });

  it('an increment of an empty state, or by a count that is not a positive integer', () => {
    const empty = { validators: [], proposer: addr('v1') };
    expectConsensusError(() => incrementProposerPriority(empty, 1), 'ENGINE_STATE', /^empty validator set$/);
    for (const times of [0, -2, 1.5]) {
      expectConsensusError(
        () => incrementProposerPriority(state, times),
        'ENGINE_STATE',
        new RegExp(`^increment times must be a positive integer, got ${times}$`),
      );
    }
  });
});

describe('corrupt proposer states', () => {
  const good = newProposerState(testValidators([1n, 2n], 'corrupt-').map(({ secretKey: _, ...v }) => v));
  const items = () => rlpDecode(encodeProposerState(good)) as RlpItem[];
  const fields = (list: RlpItem[], i: number) => (list[0] as RlpItem[])[i] as RlpItem[];

  function expectCorrupt(bytes: Uint8Array, message: string): void {
    const err = expectConsensusError(() => decodeProposerState(bytes), 'PROPOSER_STATE_CORRUPT');
    expect(err.message).toBe(`proposer state: ${message}`);
    expect(err.cause).toBeInstanceOf(DecodeError);
  }

  it('name the part that is wrong', () => {
    expectCorrupt(new Uint8Array(0), 'malformed proposer state: empty input');
    expectCorrupt(rlpEncode([...items(), new Uint8Array(1)]), 'proposer state: expected 2 items, got 3');
    expectCorrupt(rlpEncode([new Uint8Array(1), items()[1]!]), 'validators: expected an RLP list');
    const short = items();
    fields(short, 1).pop();
    expectCorrupt(rlpEncode(short), 'validators[1]: expected 5 items, got 4');
    const pubKey = items();
    fields(pubKey, 0)[1] = new Uint8Array(31);
    expectCorrupt(rlpEncode(pubKey), 'validators[0].pubKey: expected 32 bytes, got 31');
    const power = items();
    fields(power, 1)[2] = new Uint8Array(9).fill(1);
    expectCorrupt(rlpEncode(power), 'validators[1].power: integer longer than 8 bytes');
    const priority = items();
    fields(priority, 0)[4] = new Uint8Array(10).fill(1);
    expectCorrupt(rlpEncode(priority), 'validators[0].priority: integer longer than 9 bytes');
  });

  it('refuses validators out of address order or repeated', () => {
    const swapped = { ...good, validators: [...good.validators].reverse() };
    expectCorrupt(encodeProposerState(swapped), 'validators not sorted by address');
    const twice = { ...good, validators: [good.validators[0]!, good.validators[0]!] };
    expectCorrupt(
      encodeProposerState({ ...twice, proposer: good.validators[0]!.validator.address }),
      'validators not sorted by address',
    );
  });

  it('refuses a proposer that is not in the set', () => {
    const stranger = testValidators([1n], 'stranger-')[0]!.address;
    expectCorrupt(
      encodeProposerState({ ...good, proposer: stranger }),
      'proposer is not in the validator set',
    );
  });
});
