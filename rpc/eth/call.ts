// eth_call and eth_estimateGas. Module reads are answered by the module's view functions;
// estimates run the call on a throwaway copy of the latest state. Gas is a fixed schedule per
// operation, so the gas a call uses is exactly the gas it needs: no binary search.
import { z } from 'zod';
import type { Clock } from '../../consensus/types.ts';
import { ZERO_ADDRESS } from '../../core/address.ts';
import { bigintToHex, bytesToHex } from '../../core/bytes.ts';
import { readAccount } from '../../state/accounts.ts';
import type { Chain } from '../../state/chain.ts';
import { GAS } from '../../state/execution/gas.ts';
import { simulateCall } from '../../state/execution/simulate.ts';
import { ModuleError } from '../../state/modules/module.ts';
import { ErrorCode, RpcError } from '../errors.ts';
import { failureReason, revertError } from '../failure.ts';
import { type BlockRef, blockRef, type CallRequest, callRequest } from '../params.ts';
import { method } from '../registry.ts';
import { requireHeight } from './blocks.ts';

/**
 * The block a transaction sent now would join, as this node would propose it: its time is the
 * node's clock (the one consensus reads, test-only offset included), at least the head's + 1 ms.
 */
function pendingBlockInfo(chain: Chain, clock: Clock) {
  const head = chain.head.header;
  return {
    chainId: chain.chainId,
    height: head.height + 1,
    time: Math.max(clock.now(), head.time + 1),
    params: chain.params(),
  };
}

function requireLatest(chain: Chain, height: number): void {
  if (height !== chain.head.header.height) {
    throw new RpcError(ErrorCode.ServerError, 'calls at past blocks are not supported; use "latest"');
  }
}

function requireTarget(req: CallRequest) {
  if (!req.to)
    throw new RpcError(ErrorCode.ServerError, 'contract creation is not supported: this chain has no EVM');
  return req.to;
}

/**
 * A value the sender cannot pay is an error, not a revert (geth: "insufficient funds for transfer",
 * -32000), so that wallets show "insufficient funds" instead of "execution reverted".
 */
function requireFunds(chain: Chain, req: CallRequest): void {
  const value = req.value ?? 0n;
  if (value === 0n) return;
  const from = req.from ?? ZERO_ADDRESS;
  const { balance } = readAccount(chain.state, from);
  if (balance < value) {
    throw new RpcError(
      ErrorCode.ServerError,
      `insufficient funds for transfer: address ${from} have ${balance} want ${value}`,
    );
  }
}

/**
 * Runs a call request on a throwaway copy of the latest state, after the checks geth makes before
 * executing (a target, calldata only for modules, funds for the value); eth_estimateGas and
 * eth_createAccessList read the outcome.
 */
export function simulate(chain: Chain, clock: Clock, req: CallRequest, ref: BlockRef | undefined) {
  requireLatest(chain, requireHeight(chain, ref ?? { kind: 'tag', tag: 'latest' }));
  const to = requireTarget(req);
  const data = req.input ?? new Uint8Array();
  if (data.length > 0 && !chain.modules.get(to)) {
    throw new RpcError(
      ErrorCode.ServerError,
      `calldata sent to ${to}, which is not a module address; this chain has no EVM, so plain transfers must have empty data`,
    );
  }
  requireFunds(chain, req);
  // As geth: a gas cap below the cost of any transaction is ignored rather than reported.
  const gasLimit = req.gas !== undefined && req.gas >= GAS.txBase ? req.gas : chain.params().blockGasLimit;
  const outcome = simulateCall(chain.state, pendingBlockInfo(chain, clock), chain.modules, {
    from: req.from ?? ZERO_ADDRESS,
    to,
    value: req.value ?? 0n,
    data,
    gasLimit,
    accessList: req.accessList ?? [],
  });
  return { outcome, gasLimit };
}

export function callMethods(chain: Chain, clock: Clock) {
  return {
    eth_call: method(z.tuple([callRequest, blockRef.optional()]), ([req, ref]) => {
      requireLatest(chain, requireHeight(chain, ref ?? { kind: 'tag', tag: 'latest' }));
      const module = chain.modules.get(requireTarget(req));
      requireFunds(chain, req);
      if (!module) return '0x';
      try {
        return bytesToHex(
          module.view(
            chain.state,
            pendingBlockInfo(chain, clock),
            req.input ?? new Uint8Array(),
            req.from ?? ZERO_ADDRESS,
          ),
        );
      } catch (err) {
        if (err instanceof ModuleError) throw revertError({ errorCode: err.code, error: err.message });
        throw err;
      }
    }),

    eth_estimateGas: method(z.tuple([callRequest, blockRef.optional()]), ([req, ref]) => {
      const { outcome, gasLimit } = simulate(chain, clock, req, ref);
      // Running out of gas (intrinsic or in the module) is not a revert: geth's wording and code.
      if (outcome.status === 0 && outcome.gasUsed >= gasLimit)
        throw new RpcError(
          ErrorCode.ServerError,
          `gas required exceeds allowance (${gasLimit}): ${failureReason(outcome)}`,
        );
      if (outcome.status === 0) throw revertError(outcome);
      return bigintToHex(outcome.gasUsed);
    }),
  };
}
