// Why an attribution call failed. Each code is stable (tests and tools branch on it); the message
// says what was wrong with which argument, and becomes the receipt's error and eth_call's revert.
import { ModuleError } from '../module.ts';

export type AttributionErrorCode =
  | 'BAD_CALLDATA'
  | 'UNKNOWN_FUNCTION'
  | 'NOT_A_TRANSACTION'
  | 'NOT_A_VIEW'
  | 'UNEXPECTED_VALUE'
  | 'INVALID_ARGUMENT'
  | 'UNKNOWN_DATANET'
  | 'UNKNOWN_CONTRIBUTION'
  | 'UNKNOWN_MODEL'
  | 'UNKNOWN_INFERENCE'
  | 'NOT_AUTHORIZED'
  | 'NOT_CURATED'
  | 'WRONG_STATUS'
  | 'DUPLICATE_CONTENT'
  | 'WRONG_BOND'
  | 'CHALLENGE_WINDOW_CLOSED'
  | 'BOND_LOCKED'
  | 'BAD_FEE_SPLIT'
  | 'BASE_MODEL_CYCLE'
  | 'LORA_TOO_DEEP'
  | 'WRONG_FEE'
  | 'OUTPUT_TOO_LARGE'
  | 'TOO_MANY_SPANS'
  | 'SPANS_NOT_CANONICAL'
  | 'SPAN_TOO_SHORT'
  | 'SPAN_OUT_OF_RANGE'
  | 'CONTRIBUTION_NOT_ACCEPTED'
  | 'DATANET_NOT_USED'
  | 'BAD_CHUNK'
  | 'INVALID_PROOF'
  | 'OUTPUT_MISMATCH'
  | 'BOND_TOO_LOW'
  | 'OUTPUT_HASH_MISMATCH'
  | 'ATTRIBUTION_UNCHANGED'
  | 'CHALLENGE_WINDOW_OPEN'
  | 'INFERENCE_SETTLED'
  // Registration, floors and consent (docs/attribution.md).
  | 'NO_COMMITMENT'
  | 'DUPLICATE_COMMITMENT'
  | 'REVEAL_TOO_EARLY'
  | 'REVEAL_WINDOW_CLOSED'
  | 'BAD_POSSESSION_PROOF'
  | 'SPLIT_BELOW_FLOOR'
  | 'FEE_TOO_LOW'
  | 'FEE_TOO_HIGH'
  | 'ADAPTER_NOT_ALLOWED'
  | 'DATANET_NOT_ALLOWED'
  // Attested scores (docs/attribution.md, "Attested scores").
  | 'TOO_MANY_CANDIDATES'
  | 'DUPLICATE_CANDIDATE'
  | 'WRONG_SCORE_COUNT'
  | 'SCORE_OUT_OF_RANGE'
  | 'NOT_AN_ATTESTER'
  | 'COMMIT_TOO_EARLY'
  | 'COMMIT_WINDOW_CLOSED'
  | 'ALREADY_REVEALED'
  | 'COMMITMENT_MISMATCH'
  | 'ATTESTATION_WINDOW_OPEN';

export class AttributionError extends ModuleError {
  declare readonly code: AttributionErrorCode;

  constructor(code: AttributionErrorCode, message: string) {
    super(code, message);
  }
}
