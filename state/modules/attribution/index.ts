// The attribution module's public surface: the module, its address and ABI, and its parameters.
export { ATTRIBUTION_ADDRESS, attributionAbi, attributionSignatures } from './abi.ts';
export { attestationCommitment } from './attested/commitment.ts';
export { SCORE_MAX } from './attested/consensus.ts';
export {
  type AttestationRecord,
  type AttestedRecord,
  type Attester,
  readAttested,
} from './attested/records.ts';
export { AttributionError, type AttributionErrorCode } from './errors.ts';
export { GAS as ATTRIBUTION_GAS } from './gas.ts';
export { AttributionModule, type AttributionModuleOptions } from './module.ts';
export {
  type AttributionParams,
  attributionParams,
  readAttributionParams,
  writeAttributionParams,
} from './params.ts';
export { BondStatus, FlagReason, Policy, Role, Status } from './records.ts';
export { inferenceFee } from './split.ts';
