// A stored proposer state names validators by their 20-byte addresses: a record whose validator or
// proposer address has another length is corrupt, and is refused rather than loaded as a validator
// no block will ever name (which would shift every later proposer of this node alone).
import { describe, expect, it } from 'vitest';
import { decodeProposerState, encodeProposerState, newProposerState } from '../../consensus/proposer.ts';
import { type RlpItem, rlpDecode, rlpEncode } from '../../core/rlp.ts';
import { testValidators } from '../core/helpers.ts';
import { expectConsensusError } from './harness/proposerFixtures.ts';

const state = newProposerState(testValidators([1n, 2n, 3n], 'addr-').map(({ secretKey: _, ...v }) => v));
// The proposer is the last validator, so shortening the first address keeps both order and proposer.
const withLastProposing = { ...state, proposer: state.validators[2]!.validator.address };
const items = () => rlpDecode(encodeProposerState(withLastProposing)) as RlpItem[];

describe('proposer state addresses', () => {
  it('a state of real validators round-trips', () => {
    expect(decodeProposerState(encodeProposerState(withLastProposing))).toEqual(withLastProposing);
  });

  it('refuses a validator address that is not 20 bytes', () => {
    const short = items();
    const first = (short[0] as RlpItem[])[0] as RlpItem[];
    first[0] = (first[0] as Uint8Array).subarray(0, 19);
    const err = expectConsensusError(() => decodeProposerState(rlpEncode(short)), 'PROPOSER_STATE_CORRUPT');
    expect(err.message).toBe('proposer state: validators[0].address: expected 20 bytes, got 19');
  });

  it('refuses a proposer address that is not 20 bytes', () => {
    const long = items();
    long[1] = Uint8Array.of(...(long[1] as Uint8Array), 0);
    const err = expectConsensusError(() => decodeProposerState(rlpEncode(long)), 'PROPOSER_STATE_CORRUPT');
    expect(err.message).toBe('proposer state: proposer: expected 20 bytes, got 21');
  });
});
