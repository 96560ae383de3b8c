// Shared by the benches that price attribution calls without a chain (registration.ts, attested.ts):
// the gas a transaction pays before the module runs.
import { intrinsicGas } from '../state/execution/gas.ts';
import { ATTRIBUTION_ADDRESS } from '../state/modules/attribution/abi.ts';

/** The intrinsic gas of an EIP-1559 transaction to the attribution module with this calldata. */
export function attributionIntrinsicGas(data: Uint8Array): bigint {
  return intrinsicGas({
    type: 2,
    chainId: 1337n,
    nonce: 0n,
    maxFeePerGas: 0n,
    maxPriorityFeePerGas: 0n,
    gasLimit: 0n,
    to: ATTRIBUTION_ADDRESS,
    value: 0n,
    data,
    accessList: [],
  });
}
