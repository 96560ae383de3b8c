// The node home directory: where a node's config, genesis, keys and data live.
//
//   <home>/config.json            node settings (node/config.ts)
//   <home>/genesis.json           the chain's genesis (genesis/schema.ts)
//   <home>/genesis.hash           its hash when the home was created or it was installed (homeGenesis.ts)
//   <home>/keys/validator.json    ed25519 consensus key (mode 0600)
//   <home>/data/chain/            LevelDB: blocks, state, indexes
//   <home>/data/node.pid          lock: the process that has this home open
import { join } from 'node:path';

export interface HomePaths {
  readonly root: string;
  readonly config: string;
  readonly genesis: string;
  readonly genesisHash: string;
  readonly keys: string;
  readonly validatorKey: string;
  readonly data: string;
  readonly db: string;
  readonly lock: string;
}

export function homePaths(root: string): HomePaths {
  const keys = join(root, 'keys');
  const data = join(root, 'data');
  return {
    root,
    config: join(root, 'config.json'),
    genesis: join(root, 'genesis.json'),
    genesisHash: join(root, 'genesis.hash'),
    keys,
    validatorKey: join(keys, 'validator.json'),
    data,
    db: join(data, 'chain'),
    lock: join(data, 'node.pid'),
  };
}
