// How a failed call reaches clients: the stable code first, then the message ("NOT_JAILED: validator
// 0x… is not jailed"), in a receipt's failureReason and as eth_call / eth_estimateGas revert data.
// The revert data is Solidity's Error(string), which viem, ethers and cast decode into its reason.
import { AbiError } from 'ox';
import type { Hex } from '../core/bytes.ts';
import { ErrorCode, RpcError } from './errors.ts';

export interface Failure {
  /** Stable and machine-readable, e.g. INSUFFICIENT_DELEGATION. */
  readonly errorCode: string;
  readonly error: string;
}

export function failureReason(f: Failure): string {
  return `${f.errorCode}: ${f.error}`;
}

/** ABI-encoded `Error(string)` with the failure's reason. */
export function revertData(f: Failure): Hex {
  return AbiError.encode(AbiError.solidityError, [failureReason(f)]);
}

/** geth's shape for a reverted call: code 3, "execution reverted: <reason>", the revert data. */
export function revertError(f: Failure): RpcError {
  return new RpcError(ErrorCode.ExecutionReverted, `execution reverted: ${failureReason(f)}`, revertData(f));
}
