// The commitment a validator sends in the commit half of an attestation window and opens in the
// reveal half (docs/attribution.md, "Attested scores"):
//   commitment = keccak256(abi.encode(uint64 inferenceId, address validator, uint16[] scores, bytes32 salt))
// The validator is the sender of both transactions (its staking operator address): binding it makes
// a commitment copied from another validator useless, since it can only be opened by its author.
// Pure: the node-side attestor computes the same bytes before sending the commit.
import { type Address, addressToBytes } from '../../../../core/address.ts';
import { bigintToFixedBytes, bytesToHex, type Hex, hexToBytes } from '../../../../core/bytes.ts';
import { keccak256 } from '../../../../core/hash.ts';

const WORD = 32;

/** The ABI encoding written out (four head words, then the array): test/…/attestedCommitment.test.ts checks it against viem. */
export function attestationCommitmentBytes(
  inferenceId: bigint,
  validator: Address,
  scores: readonly number[],
  salt: Uint8Array,
): Uint8Array {
  if (salt.length !== WORD) throw new RangeError(`salt must be 32 bytes, got ${salt.length}`);
  const out = new Uint8Array(WORD * (5 + scores.length));
  out.set(bigintToFixedBytes(inferenceId, WORD), 0);
  out.set(addressToBytes(validator), WORD + 12);
  out.set(bigintToFixedBytes(BigInt(4 * WORD), WORD), 2 * WORD); // offset of the array
  out.set(salt, 3 * WORD);
  out.set(bigintToFixedBytes(BigInt(scores.length), WORD), 4 * WORD);
  scores.forEach((score, i) => {
    if (!Number.isInteger(score) || score < 0 || score > 0xffff)
      throw new RangeError(`score ${score} is not a uint16`);
    const at = WORD * (6 + i) - 2;
    out[at] = score >>> 8;
    out[at + 1] = score & 0xff;
  });
  return keccak256(out);
}

/** The commitment as hex; the salt as 32 bytes or their hex. */
export function attestationCommitment(
  inferenceId: bigint,
  validator: Address,
  scores: readonly number[],
  salt: Uint8Array | Hex,
): Hex {
  const saltBytes = typeof salt === 'string' ? hexToBytes(salt) : salt;
  return bytesToHex(attestationCommitmentBytes(inferenceId, validator, scores, saltBytes));
}
