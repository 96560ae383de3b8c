// Calldata for the attribution module, ready for eth_sendTransaction / eth_call from any client.
import { AbiFunction } from 'ox';
import { bytesToHex, type Hex } from '../core/bytes.ts';
import { ChunkTree } from '../core/chunkTree.ts';
import { attributionAbi } from '../state/modules/attribution/abi.ts';
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

/** addContribution calldata for a file; send it with value = the Datanet's bond. */
export function contributionCalldata(c: ContributionCall): { data: Hex; file: ChunkedFile } {
  const file = chunkFile(c.content, c.chunkSize);
  const data = AbiFunction.encodeData(AbiFunction.fromAbi(attributionAbi, 'addContribution'), [
    c.datanetId,
    file.chunkRoot,
    BigInt(file.size),
    c.uri ?? '',
  ]);
  return { data, file };
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
