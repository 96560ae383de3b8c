export { MEMPOOL_DEFAULTS, type MempoolConfig, type MempoolOptions, mempoolConfig } from './config.ts';
export { MempoolError, type PoolErrorCode } from './errors.ts';
export { Mempool } from './mempool.ts';
export type {
  AccountReader,
  AccountState,
  AddResult,
  BlockLimits,
  BlockUpdate,
  CommittedBlock,
  MempoolStats,
  PooledTx,
  SenderContent,
  TxRules,
} from './types.ts';
