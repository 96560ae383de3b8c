// The ConsensusStore over a Map: what LevelDB is in the node.
import type { ConsensusStore } from '../../../consensus/types.ts';

export class MemoryStore implements ConsensusStore {
  readonly data = new Map<string, Uint8Array>();

  async get(key: string): Promise<Uint8Array | undefined> {
    return this.data.get(key);
  }

  async put(key: string, value: Uint8Array): Promise<void> {
    this.data.set(key, value);
  }

  async del(key: string): Promise<void> {
    this.data.delete(key);
  }
}
