// Block lookups: resolving block tags, numbers and hashes to a committed height, and the eth_
// methods that return blocks. With instant finality, latest = safe = finalized = pending.
import { z } from 'zod';
import { encodedBlockLength } from '../../core/block.ts';
import { bigintToHex } from '../../core/bytes.ts';
import { decodeTx, txHash } from '../../core/tx.ts';
import type { Chain } from '../../state/chain.ts';
import { ErrorCode, RpcError } from '../errors.ts';
import { formatBlock, formatTx } from '../format.ts';
import type { JsonValue } from '../jsonrpc.ts';
import { type BlockRef, blockNumberOrTag, bool, hash, uint64 } from '../params.ts';
import { method } from '../registry.ts';

/** The committed height a block reference names, or undefined if there is none (yet). */
export function resolveHeight(chain: Chain, ref: BlockRef): number | undefined {
  const head = chain.head.header.height;
  switch (ref.kind) {
    case 'tag':
      return ref.tag === 'earliest' ? 0 : head;
    case 'number':
      return ref.number <= head ? ref.number : undefined;
    case 'hash':
      return chain.blocks.heightOf(ref.hash);
  }
}

/** Like resolveHeight, for methods that read state: a missing block is an error, as in geth. */
export function requireHeight(chain: Chain, ref: BlockRef): number {
  const height = resolveHeight(chain, ref);
  if (height === undefined) throw new RpcError(ErrorCode.ServerError, 'header not found');
  return height;
}

export async function blockJson(chain: Chain, height: number, fullTxs: boolean): Promise<JsonValue> {
  const entry = chain.blocks.getHeader(height);
  if (!entry) return null;
  const { header, hash: blockHash } = entry;
  const recent = fullTxs ? undefined : chain.blocks.recentSummary(height);
  if (recent) return formatBlock(header, blockHash, recent.size, [...recent.txHashes]);
  const block = (await chain.blocks.getBlock(height))!;
  let transactions: JsonValue[];
  if (fullTxs) {
    const receipts = await chain.blocks.getReceipts(height);
    transactions = block.txs.map((raw, index) =>
      formatTx(decodeTx(raw), receipts[index]!.from, {
        blockHash,
        blockNumber: height,
        index,
        baseFee: header.baseFeePerGas,
      }),
    );
  } else {
    transactions = block.txs.map(txHash);
  }
  return formatBlock(header, blockHash, encodedBlockLength(block), transactions);
}

async function txCount(chain: Chain, height: number | undefined): Promise<JsonValue> {
  if (height === undefined) return null;
  const count =
    chain.blocks.recentSummary(height)?.txHashes.length ?? (await chain.blocks.getTxs(height)).length;
  return bigintToHex(BigInt(count));
}

export function blockMethods(chain: Chain) {
  return {
    eth_blockNumber: method(z.tuple([]), () => bigintToHex(BigInt(chain.head.header.height))),
    eth_getBlockByNumber: method(z.tuple([blockNumberOrTag, bool]), ([ref, full]) => {
      const height = resolveHeight(chain, ref);
      return height === undefined ? null : blockJson(chain, height, full);
    }),
    eth_getBlockByHash: method(z.tuple([hash, bool]), ([blockHash, full]) => {
      const height = chain.blocks.heightOf(blockHash);
      return height === undefined ? null : blockJson(chain, height, full);
    }),
    eth_getBlockTransactionCountByNumber: method(z.tuple([blockNumberOrTag]), ([ref]) =>
      txCount(chain, resolveHeight(chain, ref)),
    ),
    eth_getBlockTransactionCountByHash: method(z.tuple([hash]), ([blockHash]) =>
      txCount(chain, chain.blocks.heightOf(blockHash)),
    ),
    // Ethereum has uncles; a BFT chain never does.
    eth_getUncleCountByBlockNumber: method(z.tuple([blockNumberOrTag]), ([ref]) =>
      resolveHeight(chain, ref) === undefined ? null : '0x0',
    ),
    eth_getUncleCountByBlockHash: method(z.tuple([hash]), ([blockHash]) =>
      chain.blocks.heightOf(blockHash) === undefined ? null : '0x0',
    ),
    eth_getUncleByBlockNumberAndIndex: method(z.tuple([blockNumberOrTag, uint64]), () => null),
    eth_getUncleByBlockHashAndIndex: method(z.tuple([hash, uint64]), () => null),
  };
}
