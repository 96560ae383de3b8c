// The genesis a home was created with: `init`, `devnet` and `genesis install` write genesis.json
// together with its hash (genesis.hash), and a node refuses to start if the file no longer hashes
// to it, so an edited or swapped genesis is caught before it splits the node from its chain.
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Hex } from '../core/bytes.ts';
import { OpenchainError } from '../core/errors.ts';
import { buildGenesisBlock } from '../genesis/build.ts';
import { genesisToJson } from '../genesis/load.ts';
import type { Genesis } from '../genesis/schema.ts';
import { homePaths } from './home.ts';

/** Owner-only like the rest of the home (core/privateFile.ts), but replacing what is there. */
function writeOwnerOnly(path: string, text: string): void {
  writeFileSync(path, text, { mode: 0o600 });
  chmodSync(path, 0o600);
}

/** Writes the home's genesis.json and records its hash; returns the hash. */
export async function recordGenesis(home: string, genesis: Genesis): Promise<Hex> {
  const paths = homePaths(home);
  const { hash } = await buildGenesisBlock(genesis);
  writeOwnerOnly(paths.genesis, `${JSON.stringify(genesisToJson(genesis), null, 2)}\n`);
  writeOwnerOnly(paths.genesisHash, `${hash}\n`);
  return hash;
}

/**
 * `openchain genesis install`: adopts a new genesis (the one a coordinator assembled from gentx
 * statements) in a home that has no chain yet. A home with a database keeps its genesis: the
 * database is that chain (reset-data moves it aside first).
 */
export async function installGenesis(home: string, genesis: Genesis): Promise<Hex> {
  const paths = homePaths(home);
  if (!existsSync(paths.config))
    throw new OpenchainError(
      'NO_HOME',
      `${home} is not a node home (no config.json); create it with openchain init`,
    );
  if (existsSync(join(paths.db, 'CURRENT')))
    throw new OpenchainError(
      'HOME_HAS_CHAIN',
      `${home} already holds a chain database; its genesis cannot change (openchain reset-data --home ${home} moves the database aside first)`,
    );
  return recordGenesis(home, genesis);
}

/** Refuses a genesis file that no longer hashes to the one the home recorded. */
export function requireRecordedGenesis(home: string, hash: Hex): void {
  const path = homePaths(home).genesisHash;
  // Homes created before the hash was recorded have nothing to compare with.
  if (!existsSync(path)) return;
  const recorded = readFileSync(path, 'utf8').trim();
  if (recorded !== hash)
    throw new OpenchainError(
      'GENESIS_CHANGED',
      `${homePaths(home).genesis} hashes to ${hash}, but this home was created with genesis ${recorded}; restore that file, or adopt a new genesis with openchain genesis install`,
    );
}
