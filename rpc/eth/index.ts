// The eth_ namespace: one module assembled from files grouped by concern.
import { z } from 'zod';
import { type Clock, systemClock } from '../../consensus/types.ts';
import { bigintToHex } from '../../core/bytes.ts';
import type { Chain } from '../../state/chain.ts';
import { method, type RpcModule } from '../registry.ts';
import { SubscriptionHub } from '../subscriptions.ts';
import { accessListMethods } from './accessList.ts';
import { blockMethods } from './blocks.ts';
import { callMethods } from './call.ts';
import { feeMethods } from './fees.ts';
import { type FilterLimits, filterMethods } from './filters.ts';
import { logMethods } from './logs.ts';
import { receiptMethods } from './receipts.ts';
import { stateMethods } from './state.ts';
import { subscriptionMethods } from './subscribe.ts';
import { transactionMethods } from './transactions.ts';

export interface SyncStatus {
  readonly syncing: boolean;
  readonly startingBlock: number;
  readonly currentBlock: number;
  readonly highestBlock: number;
}

export function ethModule(
  chain: Chain,
  sync: () => SyncStatus,
  /** Shared with the open_ namespace's subscriptions, so the caps hold over both. */
  subscriptions: SubscriptionHub = new SubscriptionHub(chain),
  /**
   * "Now" for the block eth_call, eth_estimateGas and eth_createAccessList simulate: the node's
   * consensus clock.
   */
  clock: Clock = systemClock,
  filterLimits?: FilterLimits,
): RpcModule {
  return {
    namespace: 'eth',
    methods: {
      eth_chainId: method(z.tuple([]), () => bigintToHex(chain.chainId)),
      eth_syncing: method(z.tuple([]), () => {
        const s = sync();
        if (!s.syncing) return false;
        return {
          startingBlock: bigintToHex(BigInt(s.startingBlock)),
          currentBlock: bigintToHex(BigInt(s.currentBlock)),
          highestBlock: bigintToHex(BigInt(s.highestBlock)),
        };
      }),
      // The node holds no user keys: wallets sign and send raw transactions.
      eth_accounts: method(z.tuple([]), () => []),
      ...blockMethods(chain),
      ...stateMethods(chain),
      ...transactionMethods(chain),
      ...feeMethods(chain),
      ...callMethods(chain, clock),
      ...logMethods(chain),
      ...subscriptionMethods(subscriptions),
      ...filterMethods(chain, filterLimits),
      ...receiptMethods(chain),
      ...accessListMethods(chain, clock),
    },
  };
}
