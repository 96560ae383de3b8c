// Block headers and bodies. The block hash is keccak256(RLP(header)); the header commits to the
// body through txRoot, lastCommitHash and evidenceHash. See docs/formats.md for the field list.
import { type Address, addressFromBytes, addressToBytes } from './address.ts';
import { BLOOM_BYTES } from './bloom.ts';
import { bytesToHex, type Hex, hexToBytes } from './bytes.ts';
import { DecodeError } from './errors.ts';
import { decodeEvidenceItem, type Evidence, evidenceFields } from './evidence.ts';
import { keccak256 } from './hash.ts';
import { merkleRoot } from './merkle.ts';
import {
  asBigint,
  asBytes,
  asList,
  asSafeInt,
  type RlpInput,
  type RlpItem,
  rlpDecode,
  rlpEncode,
  rlpEncodedLength,
} from './rlp.ts';
import type { Validator } from './validator.ts';
import { type Commit, commitFields, decodeCommitItem } from './vote.ts';

export interface Header {
  readonly chainId: bigint;
  readonly height: number;
  /** Milliseconds since the Unix epoch, chosen by the proposer and checked by validators. */
  readonly time: number;
  readonly parentHash: Hex;
  readonly txRoot: Hex;
  /** State root after executing this block's transactions. */
  readonly stateRoot: Hex;
  readonly receiptsRoot: Hex;
  readonly logsBloom: Uint8Array;
  /** Address of the proposing validator (validator address, not an account). */
  readonly proposer: Address;
  readonly validatorsHash: Hex;
  readonly nextValidatorsHash: Hex;
  readonly lastCommitHash: Hex;
  readonly evidenceHash: Hex;
  readonly gasLimit: bigint;
  readonly gasUsed: bigint;
  readonly baseFeePerGas: bigint;
}

/** What consensus hands the application to build a proposal (ABCI++ PrepareProposal). */
export interface ProposalInput {
  readonly height: number;
  /** Milliseconds since the Unix epoch; after the parent's time. */
  readonly time: number;
  readonly proposer: Validator;
  /** The parent's commit certificate; null at height 1. */
  readonly lastCommit: Commit | null;
  /** Duplicate-vote evidence the block may carry (the application drops what it may not). */
  readonly evidence: readonly Evidence[];
  /**
   * At most this many transactions: the proposer's time budget (consensus/blockBudget.ts), local
   * policy that no validator checks. Absent: as many as the block's gas and byte limits allow.
   */
  readonly maxTxs?: number;
}

export interface Block {
  readonly header: Header;
  /** Raw signed transactions, in execution order. */
  readonly txs: readonly Uint8Array[];
  /** The commit certificate of the parent block; null at height 1 (the parent is genesis). */
  readonly lastCommit: Commit | null;
  readonly evidence: readonly Evidence[];
}

function h(hex: Hex): Uint8Array {
  return hexToBytes(hex);
}

export function headerFields(x: Header) {
  return [
    x.chainId,
    x.height,
    x.time,
    h(x.parentHash),
    h(x.txRoot),
    h(x.stateRoot),
    h(x.receiptsRoot),
    x.logsBloom,
    addressToBytes(x.proposer),
    h(x.validatorsHash),
    h(x.nextValidatorsHash),
    h(x.lastCommitHash),
    h(x.evidenceHash),
    x.gasLimit,
    x.gasUsed,
    x.baseFeePerGas,
  ];
}

export function encodeHeader(header: Header): Uint8Array {
  return rlpEncode(headerFields(header));
}

export function blockHash(header: Header): Hex {
  return bytesToHex(keccak256(encodeHeader(header)));
}

function hash32(item: RlpItem | undefined, field: string): Hex {
  return bytesToHex(asBytes(item, field, 32));
}

export function decodeHeaderItem(item: RlpItem | undefined): Header {
  const f = asList(item, 'header', 16);
  return {
    chainId: asBigint(f[0], 'header.chainId'),
    height: asSafeInt(f[1], 'header.height'),
    time: asSafeInt(f[2], 'header.time'),
    parentHash: hash32(f[3], 'header.parentHash'),
    txRoot: hash32(f[4], 'header.txRoot'),
    stateRoot: hash32(f[5], 'header.stateRoot'),
    receiptsRoot: hash32(f[6], 'header.receiptsRoot'),
    logsBloom: asBytes(f[7], 'header.logsBloom', BLOOM_BYTES),
    proposer: addressFromBytes(asBytes(f[8], 'header.proposer', 20)),
    validatorsHash: hash32(f[9], 'header.validatorsHash'),
    nextValidatorsHash: hash32(f[10], 'header.nextValidatorsHash'),
    lastCommitHash: hash32(f[11], 'header.lastCommitHash'),
    evidenceHash: hash32(f[12], 'header.evidenceHash'),
    gasLimit: asBigint(f[13], 'header.gasLimit', 8),
    gasUsed: asBigint(f[14], 'header.gasUsed', 8),
    baseFeePerGas: asBigint(f[15], 'header.baseFeePerGas'),
  };
}

export function decodeHeader(bytes: Uint8Array): Header {
  return decodeHeaderItem(rlpDecode(bytes, 'header'));
}

function blockFields(block: Block): RlpInput {
  return [
    headerFields(block.header),
    block.txs,
    block.lastCommit === null ? [] : [commitFields(block.lastCommit)],
    block.evidence.map(evidenceFields),
  ];
}

export function encodeBlock(block: Block): Uint8Array {
  return rlpEncode(blockFields(block));
}

/** `encodeBlock(block).length` without encoding the block: the size eth_getBlockBy* reports. */
export function encodedBlockLength(block: Block): number {
  return rlpEncodedLength(blockFields(block));
}

export function decodeBlock(bytes: Uint8Array): Block {
  const f = asList(rlpDecode(bytes, 'block'), 'block', 4);
  const lastCommit = asList(f[2], 'block.lastCommit');
  if (lastCommit.length > 1) throw new DecodeError('block.lastCommit: at most one commit');
  return {
    header: decodeHeaderItem(f[0]),
    txs: asList(f[1], 'block.txs').map((tx, i) => asBytes(tx, `block.txs[${i}]`)),
    lastCommit: lastCommit.length === 0 ? null : decodeCommitItem(lastCommit[0]),
    evidence: asList(f[3], 'block.evidence').map((e, i) => decodeEvidenceItem(e, `block.evidence[${i}]`)),
  };
}

export function txRoot(txs: readonly Uint8Array[]): Hex {
  return bytesToHex(merkleRoot(txs));
}

export function evidenceListHash(evidence: readonly Evidence[]): Hex {
  return bytesToHex(keccak256(rlpEncode(evidence.map(evidenceFields))));
}

export const ZERO_HASH: Hex = `0x${'00'.repeat(32)}`;
