// Why a governance call failed. Each code is stable (tests, the CLI and tools branch on it); the
// message says what was wrong, and becomes the receipt's error and eth_call's revert.
import type { RouterErrorCode } from '../abiRouter.ts';
import { ModuleError } from '../module.ts';

export type GovErrorCode =
  | RouterErrorCode
  | 'GOV_NOT_ENABLED'
  | 'UNEXPECTED_VALUE'
  | 'INVALID_ARGUMENT'
  | 'DEPOSIT_TOO_LOW'
  | 'TOO_MANY_DEPOSITORS'
  | 'UNKNOWN_PROPOSAL'
  | 'NOT_IN_DEPOSIT_PERIOD'
  | 'NOT_IN_VOTING_PERIOD'
  | 'INVALID_OPTION'
  | 'NO_STAKE'
  | 'NO_CHANGES'
  | 'DUPLICATE_CHANGE'
  | 'UNKNOWN_MODULE'
  | 'UNKNOWN_PARAM'
  | 'WRONG_VALUE_TYPE'
  | 'PARAM_OUT_OF_BOUNDS'
  | 'UNSAFE_PARAMS'
  | 'TREASURY_DISABLED'
  | 'INSUFFICIENT_TREASURY';

export class GovError extends ModuleError {
  declare readonly code: GovErrorCode;

  constructor(code: GovErrorCode, message: string) {
    super(code, message);
  }
}
