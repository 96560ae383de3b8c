// Public surface of the state tree; see docs/state-tree.md.
export {
  decodeProof,
  encodeProof,
  type ProofLeaf,
  proofFromJson,
  proofToJson,
  type StateProof,
  type StateProofJson,
  verifyProof,
} from './proof.ts';
export { CorruptNodeError, MissingNodeError, type NodeReader } from './store.ts';
export { EMPTY_ROOT, StateTree, type StateTreeOptions, type UpdateResult } from './tree.ts';
export type { Change as StateTreeChange } from './update.ts';
