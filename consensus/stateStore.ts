// What the engine keeps in the node's key-value store: the proposer-priority state (with the full
// validator set) of each recent height, and the last height it committed. The sets of older heights
// are kept as long as evidence from them can still be verified.
import { bytesToU64, u64ToBytes } from '../core/bytes.ts';
import { decodeProposerState, encodeProposerState, type ProposerState } from './proposer.ts';
import type { ConsensusStore } from './types.ts';

const LAST_COMMITTED = 'consensus/lastCommitted';
const proposerKey = (height: number) => `consensus/proposer/${height}`;

export class ConsensusStateStore {
  readonly #store: ConsensusStore;

  constructor(store: ConsensusStore) {
    this.#store = store;
  }

  async proposerState(height: number): Promise<ProposerState | undefined> {
    const bytes = await this.#store.get(proposerKey(height));
    return bytes && decodeProposerState(bytes);
  }

  saveProposerState(height: number, state: ProposerState): Promise<void> {
    return this.#store.put(proposerKey(height), encodeProposerState(state));
  }

  deleteProposerState(height: number): Promise<void> {
    return this.#store.del(proposerKey(height));
  }

  async lastCommitted(): Promise<number | undefined> {
    const bytes = await this.#store.get(LAST_COMMITTED);
    return bytes && Number(bytesToU64(bytes));
  }

  setLastCommitted(height: number): Promise<void> {
    return this.#store.put(LAST_COMMITTED, u64ToBytes(height));
  }
}
