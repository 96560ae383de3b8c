// Votes, commit certificates and duplicate-vote evidence: the signed objects of consensus.
// Sign bytes are RLP with a domain tag, so a vote signature can never be replayed as anything else.
import { type Address, addressFromBytes, addressToBytes } from './address.ts';
import { bytesToHex, compareBytes, type Hex, hexToBytes, utf8ToBytes } from './bytes.ts';
import { ed25519Verify } from './ed25519.ts';
import { OpenchainError } from './errors.ts';
import { keccak256 } from './hash.ts';
import { asBytes, asList, asSafeInt, type RlpItem, rlpDecode, rlpEncode } from './rlp.ts';
import { isQuorum, totalPower, type Validator } from './validator.ts';

export const PREVOTE = 1;
export const PRECOMMIT = 2;
export type VoteType = typeof PREVOTE | typeof PRECOMMIT;

export interface Vote {
  readonly type: VoteType;
  readonly height: number;
  readonly round: number;
  /** null is a vote for nil. */
  readonly blockHash: Hex | null;
  readonly validator: Address;
  readonly signature: Uint8Array;
}

export type UnsignedVote = Omit<Vote, 'signature'>;

const VOTE_TAG = utf8ToBytes('openchain/vote/v1');

function hashField(hash: Hex | null): Uint8Array {
  return hash === null ? new Uint8Array(0) : hexToBytes(hash);
}

function decodeHashField(item: RlpItem | undefined, field: string): Hex | null {
  const bytes = asBytes(item, field);
  if (bytes.length === 0) return null;
  if (bytes.length !== 32) throw new VoteError('MALFORMED', `${field}: expected 32 bytes or empty`);
  return bytesToHex(bytes);
}

/** What a validator signs. Independent of the validator, so one commit's signatures share it. */
export function voteSignBytes(chainId: bigint, vote: Omit<UnsignedVote, 'validator'>): Uint8Array {
  return rlpEncode([VOTE_TAG, chainId, vote.type, vote.height, vote.round, hashField(vote.blockHash)]);
}

export function encodeVote(vote: Vote): Uint8Array {
  return rlpEncode(voteFields(vote));
}

function voteFields(vote: Vote) {
  return [
    vote.type,
    vote.height,
    vote.round,
    hashField(vote.blockHash),
    addressToBytes(vote.validator),
    vote.signature,
  ];
}

export function decodeVoteItem(item: RlpItem | undefined, field = 'vote'): Vote {
  const f = asList(item, field, 6);
  const type = asSafeInt(f[0], `${field}.type`);
  if (type !== PREVOTE && type !== PRECOMMIT)
    throw new VoteError('MALFORMED', `${field}.type: unknown vote type ${type}`);
  return {
    type,
    height: asSafeInt(f[1], `${field}.height`),
    round: asSafeInt(f[2], `${field}.round`),
    blockHash: decodeHashField(f[3], `${field}.blockHash`),
    validator: addressFromBytes(asBytes(f[4], `${field}.validator`, 20)),
    signature: asBytes(f[5], `${field}.signature`, 64),
  };
}

export function decodeVote(bytes: Uint8Array): Vote {
  return decodeVoteItem(rlpDecode(bytes, 'vote'));
}

export type VoteErrorCode =
  | 'MALFORMED'
  | 'UNKNOWN_VALIDATOR'
  | 'BAD_SIGNATURE'
  | 'DUPLICATE_SIGNER'
  | 'INSUFFICIENT_POWER'
  | 'WRONG_BLOCK'
  | 'INVALID_EVIDENCE';

export class VoteError extends OpenchainError<VoteErrorCode> {}

export function verifyVoteSignature(chainId: bigint, vote: Vote, validator: Validator): boolean {
  return ed25519Verify(vote.signature, voteSignBytes(chainId, vote), validator.pubKey);
}

/** +2/3 precommit signatures for one block: what makes a block final. */
export interface Commit {
  readonly height: number;
  readonly round: number;
  readonly blockHash: Hex;
  /** Sorted by validator address; only validators that precommitted this block. */
  readonly signatures: readonly CommitSig[];
}

export interface CommitSig {
  readonly validator: Address;
  readonly signature: Uint8Array;
}

export function sortCommitSigs(sigs: readonly CommitSig[]): CommitSig[] {
  return [...sigs].sort((a, b) => compareBytes(hexToBytes(a.validator), hexToBytes(b.validator)));
}

export function commitFields(commit: Commit) {
  return [
    commit.height,
    commit.round,
    hexToBytes(commit.blockHash),
    commit.signatures.map((s) => [addressToBytes(s.validator), s.signature]),
  ];
}

export function encodeCommit(commit: Commit): Uint8Array {
  return rlpEncode(commitFields(commit));
}

export function decodeCommitItem(item: RlpItem | undefined, field = 'commit'): Commit {
  const f = asList(item, field, 4);
  const signatures = asList(f[3], `${field}.signatures`).map((s, i) => {
    const [validator, signature] = asList(s, `${field}.signatures[${i}]`, 2);
    return {
      validator: addressFromBytes(asBytes(validator, `${field}.signatures[${i}].validator`, 20)),
      signature: asBytes(signature, `${field}.signatures[${i}].signature`, 64),
    };
  });
  for (let i = 1; i < signatures.length; i++) {
    if (compareBytes(hexToBytes(signatures[i - 1]!.validator), hexToBytes(signatures[i]!.validator)) >= 0) {
      throw new VoteError('MALFORMED', `${field}.signatures: not sorted by validator or repeated`);
    }
  }
  return {
    height: asSafeInt(f[0], `${field}.height`),
    round: asSafeInt(f[1], `${field}.round`),
    blockHash: bytesToHex(asBytes(f[2], `${field}.blockHash`, 32)),
    signatures,
  };
}

export function decodeCommit(bytes: Uint8Array): Commit {
  return decodeCommitItem(rlpDecode(bytes, 'commit'));
}

export function commitHash(commit: Commit | null): Uint8Array {
  return keccak256(commit === null ? rlpEncode([]) : encodeCommit(commit));
}

/**
 * Checks a commit certificate against the validator set of its height: every signature valid and
 * from a distinct member, and together more than two thirds of the set's power. Throws VoteError.
 * `verified` names signatures the caller has checked already (the same bytes as a vote it verified
 * on arrival): they count without a second ed25519 verification.
 */
export function verifyCommit(
  chainId: bigint,
  commit: Commit,
  validators: readonly Validator[],
  verified: (sig: CommitSig) => boolean = () => false,
): void {
  const power = signedPower(chainId, commit, validators, 'throw', verified);
  const total = totalPower(validators);
  if (!isQuorum(power, total)) {
    throw new VoteError(
      'INSUFFICIENT_POWER',
      `commit carries power ${power} of ${total}; more than two thirds needed`,
    );
  }
}

/**
 * Checks a commit of a height whose validator set may differ from `validators` (a peer's head,
 * far ahead of us, during sync), the way CometBFT's light client skips ahead: signers unknown to
 * `validators` are passed over, every known one must verify, and together they must hold more than a
 * third of the power (the trust level), so at least one correct validator of the set we know vouches
 * for the block. Throws VoteError: INSUFFICIENT_POWER when it cannot tell, BAD_SIGNATURE or
 * DUPLICATE_SIGNER when the commit is forged.
 */
export function verifyCommitTrusting(
  chainId: bigint,
  commit: Commit,
  validators: readonly Validator[],
): void {
  const power = signedPower(chainId, commit, validators, 'skip', () => false);
  const total = totalPower(validators);
  if (power * 3n <= total) {
    throw new VoteError(
      'INSUFFICIENT_POWER',
      `commit carries power ${power} of the ${total} known; more than a third needed`,
    );
  }
}

/** The power of a commit's valid signatures; throws VoteError on a forged or repeated one. */
function signedPower(
  chainId: bigint,
  commit: Commit,
  validators: readonly Validator[],
  unknown: 'throw' | 'skip',
  verified: (sig: CommitSig) => boolean,
): bigint {
  const byAddress = new Map(validators.map((v) => [v.address, v]));
  const signBytes = voteSignBytes(chainId, {
    type: PRECOMMIT,
    height: commit.height,
    round: commit.round,
    blockHash: commit.blockHash,
  });
  const seen = new Set<Address>();
  let power = 0n;
  for (const sig of commit.signatures) {
    const validator = byAddress.get(sig.validator);
    if (!validator && unknown === 'throw')
      throw new VoteError('UNKNOWN_VALIDATOR', `commit signed by non-validator ${sig.validator}`);
    if (seen.has(sig.validator))
      throw new VoteError('DUPLICATE_SIGNER', `commit has two signatures from ${sig.validator}`);
    seen.add(sig.validator);
    if (!validator) continue;
    if (!verified(sig) && !ed25519Verify(sig.signature, signBytes, validator.pubKey)) {
      throw new VoteError('BAD_SIGNATURE', `commit signature of ${sig.validator} does not verify`);
    }
    power += validator.power;
  }
  return power;
}
