// Builds a validator node's attestor from the `attestation` config (node.ts calls it once consensus
// runs): the scorer, the content loader, the signing account and the kept commitments under the
// data directory. A validator without an account attests nothing, and says so once.
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Chain } from '../../state/chain.ts';
import { attestorSigner } from './account.ts';
import { Attestor } from './attestor.ts';
import type { AttestationConfig } from './config.ts';
import { contentLoaderFromConfig, scorerFromConfig } from './index.ts';
import { SecretStore } from './secrets.ts';

export interface StartAttestor {
  readonly chain: Chain;
  readonly config: AttestationConfig;
  readonly home: string;
  readonly dataDir: string;
  readonly log: Logger;
  /** Whether the node is catching up (no attestation step is taken meanwhile). */
  readonly syncing: () => boolean;
}

/** The running attestor, or undefined (logged) when no attestation account is configured. */
export function startAttestor({
  chain,
  config,
  home,
  dataDir,
  log,
  syncing,
}: StartAttestor): Attestor | undefined {
  const attestorLog = log.child({ module: 'attestor' });
  if (!config.account) {
    attestorLog.warn(
      'no attestation.account in config.json: this validator will not attest attested inference records (and earns nothing from them)',
    );
    return undefined;
  }
  const signer = attestorSigner(config.account, home);
  return new Attestor({
    chain,
    account: signer,
    scorer: scorerFromConfig(config, home, attestorLog),
    content: contentLoaderFromConfig(config, home),
    secrets: new SecretStore(join(dataDir, 'attestations')),
    log: attestorLog,
    syncing,
  });
}
