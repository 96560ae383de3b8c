// eth_createAccessList: wallets (and ethers' populateTransaction with type 1) ask for the storage a
// call touches. Modules keep their state outside any EVM account storage, so no access list saves
// gas here: the list is always empty, with the gas the call uses, in geth's result shape (a failing
// call is reported in `error`, not as an RPC error, as geth does).
import { z } from 'zod';
import type { Clock } from '../../consensus/types.ts';
import { bigintToHex } from '../../core/bytes.ts';
import type { Chain } from '../../state/chain.ts';
import { failureReason } from '../failure.ts';
import type { JsonValue } from '../jsonrpc.ts';
import { blockRef, callRequest } from '../params.ts';
import { method } from '../registry.ts';
import { simulate } from './call.ts';

export function accessListMethods(chain: Chain, clock: Clock) {
  return {
    eth_createAccessList: method(z.tuple([callRequest, blockRef.optional()]), ([req, ref]) => {
      const { outcome } = simulate(chain, clock, req, ref);
      const result: Record<string, JsonValue> = { accessList: [], gasUsed: bigintToHex(outcome.gasUsed) };
      if (outcome.status === 0) result['error'] = failureReason(outcome);
      return result;
    }),
  };
}
