// The txpool_ namespace, in geth's and anvil's shapes: txpool_status counts the pool's pending
// (executable) and queued (waiting for a lower nonce) transactions; txpool_content lists them by
// checksummed sender address, then by decimal nonce.
import { z } from 'zod';
import { type Address, toChecksumAddress } from '../core/address.ts';
import { bigintToHex } from '../core/bytes.ts';
import type { SignedTx } from '../core/tx.ts';
import type { Mempool } from '../state/mempool/index.ts';
import { formatTx } from './format.ts';
import type { JsonValue } from './jsonrpc.ts';
import { method, type RpcModule } from './registry.ts';

function byNonce(txs: readonly SignedTx[], sender: Address): Record<string, JsonValue> {
  return Object.fromEntries(txs.map((tx) => [tx.nonce.toString(), formatTx(tx, sender, null)]));
}

export function txpoolModule(mempool: Mempool): RpcModule {
  return {
    namespace: 'txpool',
    methods: {
      txpool_status: method(z.tuple([]), () => {
        const { pending, queued } = mempool.stats();
        return { pending: bigintToHex(BigInt(pending)), queued: bigintToHex(BigInt(queued)) };
      }),
      txpool_content: method(z.tuple([]), (_params, ctx) => {
        ctx.budget.charge(mempool.size, `txpool_content of ${mempool.size} transactions`);
        const pending: Record<string, JsonValue> = {};
        const queued: Record<string, JsonValue> = {};
        for (const { sender, pending: p, queued: q } of mempool.content()) {
          const key = toChecksumAddress(sender);
          if (p.length > 0) pending[key] = byNonce(p, sender);
          if (q.length > 0) queued[key] = byNonce(q, sender);
        }
        return { pending, queued };
      }),
    },
  };
}
