// Submitting transactions and reading them back with their receipts.
import { z } from 'zod';
import { decodeTx } from '../../core/tx.ts';
import type { Chain } from '../../state/chain.ts';
import { formatReceipt, formatTx, type TxLocation } from '../format.ts';
import type { JsonValue } from '../jsonrpc.ts';
import { blockNumberOrTag, data, hash, uint64 } from '../params.ts';
import { method } from '../registry.ts';
import { resolveHeight } from './blocks.ts';

/** Where the transaction at `index` of committed block `height` sits, for formatTx/formatReceipt. */
export function location(chain: Chain, height: number, index: number): TxLocation {
  const { header, hash: blockHash } = chain.blocks.getHeader(height)!;
  return { blockHash, blockNumber: height, index, baseFee: header.baseFeePerGas };
}

function committedTx(chain: Chain, height: number | undefined, index: bigint): JsonValue {
  if (height === undefined || index > 0xffff_ffffn) return null;
  const raw = chain.blocks.getTx(height, Number(index));
  if (!raw) return null;
  const receipt = chain.blocks.getReceipt(height, Number(index))!;
  return formatTx(decodeTx(raw), receipt.from, location(chain, height, Number(index)));
}

export function transactionMethods(chain: Chain) {
  return {
    eth_sendRawTransaction: method(z.tuple([data]), async ([raw]) => (await chain.checkTx(raw)).hash),

    eth_getTransactionByHash: method(z.tuple([hash]), ([txHash]) => {
      const loc = chain.blocks.txLocation(txHash);
      if (loc) return committedTx(chain, loc.height, BigInt(loc.index));
      const pooled = chain.mempool.get(txHash);
      return pooled ? formatTx(pooled.tx, pooled.sender, null) : null;
    }),

    eth_getTransactionReceipt: method(z.tuple([hash]), ([txHash]) => {
      const loc = chain.blocks.txLocation(txHash);
      if (!loc) return null;
      const tx = decodeTx(chain.blocks.getTx(loc.height, loc.index)!);
      const receipt = chain.blocks.getReceipt(loc.height, loc.index)!;
      return formatReceipt(tx, receipt, location(chain, loc.height, loc.index));
    }),

    eth_getTransactionByBlockNumberAndIndex: method(z.tuple([blockNumberOrTag, uint64]), ([ref, index]) =>
      committedTx(chain, resolveHeight(chain, ref), index),
    ),

    eth_getTransactionByBlockHashAndIndex: method(z.tuple([hash, uint64]), ([blockHash, index]) =>
      committedTx(chain, chain.blocks.heightOf(blockHash), index),
    ),
  };
}
