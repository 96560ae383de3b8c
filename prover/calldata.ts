// Calldata for the attribution module, ready for eth_sendTransaction / eth_call from any client.
import { randomBytes } from 'node:crypto';
import { AbiFunction } from 'ox';
import type { Address } from '../core/address.ts';
import { bytesToHex, type Hex, hexToBytes } from '../core/bytes.ts';
import { ChunkTree, splitChunks } from '../core/chunkTree.ts';
import { attributionAbi } from '../state/modules/attribution/abi.ts';
import { contributionCommitment } from '../state/modules/attribution/possession.ts';
import type { SpanProof } from './proofs.ts';

export interface ChunkedFile {
  readonly size: number;
  readonly chunkSize: number;
  readonly chunkCount: number;
  /** Also the content hash the chain de-duplicates on (contributionByRoot). */
  readonly chunkRoot: Hex;
}

/** The commitment to a file the chain registers, with the chain's chunk size (params().chunkSize). */
export function chunkFile(content: Uint8Array, chunkSize: number): ChunkedFile {
  const tree = new ChunkTree(content, chunkSize);
  return {
    size: content.length,
    chunkSize,
    chunkCount: tree.leafCount,
    chunkRoot: bytesToHex(tree.root),
  };
}

export interface ContributionCall {
  readonly datanetId: bigint;
  readonly content: Uint8Array;
  readonly chunkSize: number;
  readonly uri?: string;
}

/** The first half of a registration: the commitment to send (commitContribution) and what the reveal needs. */
export interface ContributionCommit {
  readonly file: ChunkedFile;
  readonly salt: Hex;
  readonly commitment: Hex;
  /** commitContribution calldata (no value). */
  readonly data: Hex;
}

/**
 * Commits to a file for `sender` with a fresh random salt (the salt keeps the root hidden until
 * the reveal; docs/attribution.md, "Registration").
 */
export function commitCalldata(
  c: ContributionCall,
  sender: Address,
  salt: Uint8Array = randomBytes(32),
): ContributionCommit {
  const file = chunkFile(c.content, c.chunkSize);
  const commitment = contributionCommitment(hexToBytes(file.chunkRoot), BigInt(file.size), sender, salt);
  const data = AbiFunction.encodeData(AbiFunction.fromAbi(attributionAbi, 'commitContribution'), [
    bytesToHex(commitment),
  ]);
  return { file, salt: bytesToHex(salt), commitment: bytesToHex(commitment), data };
}

/**
 * addContribution calldata revealing a commitment, with the chunks at `indices` (the chain's
 * possessionIndices view, or possessionIndices() with the hash of the block after the commit)
 * and their paths. Send it with value = the Datanet's bond.
 */
export function revealCalldata(c: ContributionCall, salt: Hex, indices: readonly number[]): Hex {
  const tree = new ChunkTree(c.content, c.chunkSize);
  const chunks = splitChunks(c.content, c.chunkSize);
  return AbiFunction.encodeData(AbiFunction.fromAbi(attributionAbi, 'addContribution'), [
    c.datanetId,
    bytesToHex(tree.root),
    BigInt(c.content.length),
    c.uri ?? '',
    salt,
    indices.map((i) => ({ chunk: bytesToHex(chunks[i]!), path: tree.path(i).map(bytesToHex) })),
  ]);
}

/** recordInference calldata; send it with value = modelFee(modelId, output.length). */
export function inferenceCalldata(modelId: bigint, output: Uint8Array, spans: readonly SpanProof[]): Hex {
  return AbiFunction.encodeData(AbiFunction.fromAbi(attributionAbi, 'recordInference'), [
    modelId,
    bytesToHex(output),
    spanArgs(spans),
  ]);
}

/** challengeInference calldata: the recorded output and the spans that improve its attribution. */
export function challengeCalldata(inferenceId: bigint, output: Uint8Array, spans: readonly SpanProof[]): Hex {
  return AbiFunction.encodeData(AbiFunction.fromAbi(attributionAbi, 'challengeInference'), [
    inferenceId,
    bytesToHex(output),
    spanArgs(spans),
  ]);
}

function spanArgs(spans: readonly SpanProof[]) {
  return spans.map((s) => ({
    contributionId: s.contributionId,
    outputStart: s.outputStart,
    length: s.length,
    chunkIndex: s.chunkIndex,
    chunkOffset: s.chunkOffset,
    chunks: s.chunks.map(bytesToHex),
    paths: s.paths.map((path) => path.map(bytesToHex)),
  }));
}
