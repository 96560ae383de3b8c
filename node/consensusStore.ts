// The consensus engine's key-value store, backed by the node's LevelDB under the consensus bucket.
import type { ConsensusStore } from '../consensus/types.ts';
import type { Database } from '../state/store/database.ts';
import { keys } from '../state/store/keys.ts';

export function consensusStore(db: Database): ConsensusStore {
  return {
    get: (key) => db.get(keys.consensus(key)),
    put: (key, value) => db.put(keys.consensus(key), value),
    del: (key) => db.del(keys.consensus(key)),
  };
}
