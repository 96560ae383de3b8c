// State keys of the end-block records: StateSpace.module, then a record-kind byte from the top of
// the staking module's block 0xb0-0xbf (0xbd-0xbf are the end-block step's), then the record's key.
import { type Address, addressToBytes } from '../../../../core/address.ts';
import { concatBytes } from '../../../../core/bytes.ts';
import { StateSpace } from '../../../stateKeys.ts';

const Kind = {
  /** The validator set that signs the current block: next block's lastCommit is checked against it. */
  signingSet: 0xbd,
  /** Per operator: the height its signing window started and the blocks it missed in the window. */
  signingInfo: 0xbe,
  /** Per operator and chunk of 256 window slots: one bit per slot, set when the block was missed. */
  missedChunk: 0xbf,
} as const;

const key = (kind: number, ...rest: Uint8Array[]) =>
  concatBytes(Uint8Array.of(StateSpace.module, kind), ...rest);

export const endBlockKeys = {
  signingSet: () => key(Kind.signingSet),
  signingInfo: (operator: Address) => key(Kind.signingInfo, addressToBytes(operator)),
  missedChunk: (operator: Address, chunk: number) =>
    key(
      Kind.missedChunk,
      addressToBytes(operator),
      Uint8Array.of(chunk >>> 24, chunk >>> 16, chunk >>> 8, chunk),
    ),
};
