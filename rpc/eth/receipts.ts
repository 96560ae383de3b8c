// eth_getBlockReceipts: every receipt of one block in one call, as indexers fetch them (geth's method:
// a block tag, number or hash; null for a block that does not exist).
import { z } from 'zod';
import { decodeTx } from '../../core/tx.ts';
import type { Chain } from '../../state/chain.ts';
import { formatReceipt } from '../format.ts';
import type { JsonValue } from '../jsonrpc.ts';
import { blockRef } from '../params.ts';
import { method } from '../registry.ts';
import { resolveHeight } from './blocks.ts';
import { location } from './transactions.ts';

export function receiptMethods(chain: Chain) {
  return {
    eth_getBlockReceipts: method(z.tuple([blockRef]), async ([ref]): Promise<JsonValue> => {
      const height = resolveHeight(chain, ref);
      if (height === undefined) return null;
      const [txs, receipts] = await Promise.all([
        chain.blocks.getTxs(height),
        chain.blocks.getReceipts(height),
      ]);
      return txs.map((raw, index) =>
        formatReceipt(decodeTx(raw), receipts[index]!, location(chain, height, index)),
      );
    }),
  };
}
