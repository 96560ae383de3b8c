// Read-only execution for eth_call and eth_estimateGas: runs a call against a throwaway overlay of a
// state, without nonce or fee checks, and reports what a real transaction would do.
import type { Address } from '../../core/address.ts';
import type { AccessList } from '../../core/tx.ts';
import type { BlockInfo, ModuleRegistry } from '../modules/module.ts';
import { StateOverlay, type StateReader } from '../stateDb.ts';
import { type CallOutcome, runCall } from './executeTx.ts';
import { intrinsicGas } from './gas.ts';

export interface SimulatedCall {
  readonly from: Address;
  readonly to: Address;
  readonly value: bigint;
  readonly data: Uint8Array;
  readonly gasLimit: bigint;
  readonly accessList: AccessList;
}

export function simulateCall(
  state: StateReader,
  block: BlockInfo,
  modules: ModuleRegistry,
  call: SimulatedCall,
): CallOutcome {
  const gasUsedBefore = intrinsicGas({
    type: 2,
    chainId: block.chainId,
    nonce: 0n,
    maxFeePerGas: 0n,
    maxPriorityFeePerGas: 0n,
    gasLimit: call.gasLimit,
    to: call.to,
    value: call.value,
    data: call.data,
    accessList: call.accessList,
  });
  if (gasUsedBefore > call.gasLimit) {
    return {
      status: 0,
      gasUsed: call.gasLimit,
      logs: [],
      error: `intrinsic gas too low: needs ${gasUsedBefore}`,
      errorCode: 'INTRINSIC_GAS',
    };
  }
  return runCall(new StateOverlay(state), { block, baseFee: 0n, modules }, { ...call, gasUsedBefore });
}
