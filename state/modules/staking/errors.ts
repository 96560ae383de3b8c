// Why a staking call failed. Each code is stable (tests, the CLI and tools branch on it); the message
// says what was wrong with which argument, and becomes the receipt's error and eth_call's revert.
import { ModuleError } from '../module.ts';

export type StakingErrorCode =
  | 'STAKING_NOT_ENABLED'
  | 'BAD_CALLDATA'
  | 'UNKNOWN_FUNCTION'
  | 'NOT_A_TRANSACTION'
  | 'NOT_A_VIEW'
  | 'UNEXPECTED_VALUE'
  | 'INVALID_ARGUMENT'
  | 'INSUFFICIENT_BALANCE'
  | 'UNKNOWN_VALIDATOR'
  | 'VALIDATOR_EXISTS'
  | 'VALIDATOR_TOMBSTONED'
  | 'VALIDATOR_HAS_NO_TOKENS'
  | 'NO_DELEGATION'
  | 'INSUFFICIENT_DELEGATION'
  | 'CONSENSUS_KEY_IN_USE'
  | 'BAD_KEY_SIGNATURE'
  | 'COMMISSION_ABOVE_MAX'
  | 'COMMISSION_CHANGE_TOO_FAST'
  | 'STILL_JAILED'
  | 'NOT_JAILED'
  | 'TOO_MANY_ENTRIES'
  | 'REDELEGATION_CHAIN'
  | 'SELF_REDELEGATION'
  | 'SELF_BOND_TOO_LOW'
  | 'NOTHING_TO_WITHDRAW';

export class StakingError extends ModuleError {
  declare readonly code: StakingErrorCode;

  constructor(code: StakingErrorCode, message: string) {
    super(code, message);
  }
}
