// Fixtures shared by the consensus tests: deterministic validators, real blocks, signed votes and
// proposals.

import { type Proposal, proposalSignBytes } from '../../../consensus/proposal.ts';
import { newProposerState, ProposerSchedule } from '../../../consensus/proposer.ts';
import type { Address } from '../../../core/address.ts';
import {
  type Block,
  blockHash,
  evidenceListHash,
  type Header,
  txRoot,
  ZERO_HASH,
} from '../../../core/block.ts';
import { BLOOM_BYTES } from '../../../core/bloom.ts';
import { bytesToHex, type Hex } from '../../../core/bytes.ts';
import { ed25519Sign } from '../../../core/ed25519.ts';
import type { Evidence } from '../../../core/evidence.ts';
import { keccak256 } from '../../../core/hash.ts';
import { type Validator, validatorsHash } from '../../../core/validator.ts';
import { type Commit, commitHash, type Vote, type VoteType, voteSignBytes } from '../../../core/vote.ts';
import { type TestValidator, testValidators } from '../../core/helpers.ts';

export const CHAIN_ID = 7n;
export const GENESIS_TIME = 1_700_000_000_000;

export function plain(v: TestValidator): Validator {
  return { address: v.address, pubKey: v.pubKey, power: v.power, rewardAddress: v.rewardAddress };
}

export function makeValidators(powers: readonly bigint[], prefix = 'c'): TestValidator[] {
  return testValidators(powers, prefix);
}

/** Index (into `validators`) of the proposer of each round 0..rounds-1 at the first height. */
export function proposerOrder(validators: readonly Validator[], rounds: number): number[] {
  const schedule = new ProposerSchedule(newProposerState(validators.map((v) => ({ ...v }))));
  return Array.from({ length: rounds }, (_, r) =>
    validators.findIndex((v) => v.address === schedule.proposer(r)),
  );
}

export function vote(
  signer: TestValidator,
  type: VoteType,
  height: number,
  round: number,
  hash: Hex | null,
  chainId = CHAIN_ID,
): Vote {
  const unsigned = { type, height, round, blockHash: hash, validator: signer.address as Address };
  return { ...unsigned, signature: ed25519Sign(voteSignBytes(chainId, unsigned), signer.secretKey) };
}

export function proposal(signer: TestValidator, block: Block, round: number, polRound = -1): Proposal {
  const { height } = block.header;
  const bytes = proposalSignBytes(CHAIN_ID, height, round, polRound, blockHash(block.header));
  return { height, round, polRound, block, signature: ed25519Sign(bytes, signer.secretKey) };
}

export interface BlockSpec {
  readonly height: number;
  readonly parent: { readonly hash: Hex; readonly time: number };
  readonly time: number;
  readonly proposer: Address;
  readonly validators: readonly Validator[];
  readonly nextValidators?: readonly Validator[];
  readonly lastCommit: Commit | null;
  readonly txs?: readonly Uint8Array[];
  readonly parentStateRoot?: Hex;
  readonly evidence?: readonly Evidence[];
  /** Makes otherwise identical blocks differ (an equivocating proposer). */
  readonly salt?: number;
}

/** A real core block whose state root is a hash chain over the transactions. */
export function makeBlock(spec: BlockSpec): Block {
  const txs = [...(spec.txs ?? [])];
  const root = txRoot(txs);
  const stateRoot = bytesToHex(
    keccak256(
      Buffer.concat([
        Buffer.from((spec.parentStateRoot ?? ZERO_HASH).slice(2), 'hex'),
        Buffer.from(root.slice(2), 'hex'),
      ]),
    ),
  );
  const header: Header = {
    chainId: CHAIN_ID,
    height: spec.height,
    time: spec.time,
    parentHash: spec.parent.hash,
    txRoot: root,
    stateRoot,
    receiptsRoot: ZERO_HASH,
    logsBloom: new Uint8Array(BLOOM_BYTES),
    proposer: spec.proposer,
    validatorsHash: bytesToHex(validatorsHash(spec.validators)),
    nextValidatorsHash: bytesToHex(validatorsHash(spec.nextValidators ?? spec.validators)),
    lastCommitHash: bytesToHex(commitHash(spec.lastCommit)),
    evidenceHash: evidenceListHash(spec.evidence ?? []),
    gasLimit: 30_000_000n,
    gasUsed: BigInt(spec.salt ?? 0),
    baseFeePerGas: 0n,
  };
  return { header, txs, lastCommit: spec.lastCommit, evidence: [...(spec.evidence ?? [])] };
}

/** Distinct height-1 blocks for tests that only need hashes to differ. */
export function blockAtHeight1(
  validators: readonly Validator[],
  salt: number,
  proposer = validators[0]!.address,
): Block {
  return makeBlock({
    height: 1,
    parent: { hash: ZERO_HASH, time: GENESIS_TIME },
    time: GENESIS_TIME + 1000,
    proposer,
    validators,
    lastCommit: null,
    salt,
  });
}
