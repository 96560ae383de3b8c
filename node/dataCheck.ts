// Start-up checks of the node's data: LevelDB's checksums (state/store/levelFiles.ts), then that the
// stored head is whole (header, indexes, body, commit certificate, state root) and not behind what
// the consensus WAL and the double-sign guard show the node had reached. A node that fails them
// refuses to start: serving damaged blocks to syncing peers, or following the chain from a head
// that silently moved back, is worse than stopping with a clear message.

import type { ConsensusStateStore } from '../consensus/stateStore.ts';
import type { WalEntry } from '../consensus/walCodec.ts';
import { walEntryHeight } from '../consensus/walCodec.ts';
import { txRoot } from '../core/block.ts';
import { equalBytes, hexToBytes } from '../core/bytes.ts';
import { OpenchainError } from '../core/errors.ts';
import { validatorsHash } from '../core/validator.ts';
import { verifyCommit } from '../core/vote.ts';
import type { Chain } from '../state/chain.ts';
import { stateKeys } from '../state/stateKeys.ts';

export class DataDamagedError extends OpenchainError<'DATA_DAMAGED'> {
  readonly problems: readonly string[];
  constructor(home: string, problems: readonly string[]) {
    super(
      'DATA_DAMAGED',
      `the node's data in ${home} is damaged; refusing to start rather than serve damaged or rolled-back blocks:\n  ${problems.join('\n  ')}\n` +
        `To recover, resync from peers: stop the node, run \`openchain reset-data --home ${home}\` (it moves ` +
        'data/chain and data/consensus.wal aside and keeps the keys and the double-sign guard), then start it again. ' +
        'See "Damaged data" in the README.',
    );
    this.problems = problems;
  }
}

/** The height a consensus WAL shows as committed: its end-height marker, or one below its records. */
export function walCommittedHeight(entries: readonly WalEntry[]): number | undefined {
  let height: number | undefined;
  for (const e of entries) {
    const committed = e.kind === 'endHeight' ? e.height : walEntryHeight(e) - 1;
    if (height === undefined || committed > height) height = committed;
  }
  return height;
}

export interface ReachedHeights {
  /** From the consensus WAL (walCommittedHeight). */
  readonly wal?: number;
  /** The last height the double-sign guard signed at (the node had committed the one before). */
  readonly signed?: number;
}

/** Every problem with the stored head; empty when it is whole and not behind `reached`. */
export async function headProblems(
  chain: Chain,
  states: ConsensusStateStore,
  reached: ReachedHeights,
): Promise<string[]> {
  const problems: string[] = [];
  const check = async (what: string, run: () => unknown): Promise<void> => {
    try {
      const problem = await run();
      if (typeof problem === 'string') problems.push(`${what}: ${problem}`);
    } catch (err) {
      problems.push(`${what}: ${(err as Error).message}`);
    }
  };
  const height = chain.blocks.head;
  if (height === undefined) return ['no head block is stored'];
  const entry = chain.blocks.getHeader(height);
  if (!entry) return [`the header of the head block ${height} is missing`];
  const { header, hash } = entry;

  await check(`head block ${height}`, async () => {
    if (chain.blocks.heightOf(hash) !== height) return 'its hash index is missing or wrong';
    const block = await chain.blocks.getBlock(height);
    if (block && txRoot(block.txs) !== header.txRoot) return 'its transactions do not match the header';
  });
  if (height > 0) {
    await check(`commit certificate of block ${height}`, async () => {
      const commit = chain.blocks.getCommit(height);
      if (!commit) return 'missing';
      if (commit.height !== height || commit.blockHash.toLowerCase() !== hash.toLowerCase()) {
        return 'it is for another block';
      }
      const state = await states.proposerState(height);
      if (!state) return 'the validator set that signed it is not stored';
      const validators = state.validators.map((v) => v.validator);
      if (!equalBytes(validatorsHash(validators), hexToBytes(header.validatorsHash))) {
        return 'the stored validator set does not match the header';
      }
      verifyCommit(chain.chainId, commit, validators);
    });
  }
  await check(`state root of block ${height}`, async () => {
    // Reads through the tree from the root, and compares with the flat copy of the latest state.
    const key = stateKeys.validators();
    const inTree = await chain.state.getAt(hexToBytes(header.stateRoot), key);
    const latest = chain.state.get(key);
    if (!inTree || !latest || !equalBytes(inTree, latest)) return 'the state does not match it';
  });

  for (const [source, reachedHeight] of [
    ['the consensus WAL', reached.wal],
    [
      'the double-sign guard (privval_state.json)',
      reached.signed === undefined ? undefined : reached.signed - 1,
    ],
  ] as const) {
    if (reachedHeight !== undefined && reachedHeight > height) {
      problems.push(
        `the head is block ${height}, but ${source} shows block ${reachedHeight} was committed: the database lost ${reachedHeight - height} committed block(s)`,
      );
    }
  }
  return problems;
}
