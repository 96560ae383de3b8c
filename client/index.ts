// openchain's TypeScript client (`import … from 'openchain/client'`), built on viem:
//   - openActions: every open_ RPC method as a typed action (`client.extend(openActions)`);
//   - attributionContract / stakingContract / govContract: every module function and view, typed from the ABI;
//   - sendModuleCalls: several module transactions from one local account, with their events decoded;
//   - verifyBlockCommit / verifyAccount: check commit certificates and state proofs yourself;
//   - the prover's pieces to register contributions and build inference records offline.
export type { Validator } from '../core/validator.ts';
/** The off-chain prover (docs/attribution.md): chunk roots for contributions, spans and their proofs for records. */
export * as prover from '../prover/index.ts';
export type {
  AttributionJson,
  CommitJson,
  DelegatorJson,
  ModuleEventJson,
  OpenJson,
  ProofJson,
  StakingJson,
  ValidatorSetJson,
} from './json.ts';
export {
  ATTRIBUTION_ADDRESS,
  attributionAbi,
  attributionContract,
  GOV_ADDRESS,
  govAbi,
  govContract,
  STAKING_ADDRESS,
  stakingAbi,
  stakingContract,
} from './modules.ts';
export { type BlockRef, type OpenActions, openActions } from './open.ts';
export {
  type ModuleCall,
  ModuleCallError,
  type ModuleEvent,
  type ModuleReceipt,
  moduleEvents,
  sendModuleCalls,
} from './send.ts';
export {
  commitFromJson,
  VerificationError,
  validatorsFromJson,
  verifyAccount,
  verifyBlockCommit,
} from './verify.ts';
