// TEST-ONLY (README.md). The byzantine modes of a node's config, put together as wrappers around the
// seams node.ts wires: with no modes every wrapper returns what it was given.
import type { Logger } from 'pino';
import type { ConsensusApp, ConsensusNetwork } from '../../consensus/types.ts';
import type { P2pHost } from '../../p2p/host.ts';
import { gossipLimits } from '../../p2p/limits.ts';
import type { BlockSource } from '../../p2p/sync/types.ts';
import type { Chain } from '../../state/chain.ts';
import { TRANSPORT_LIMITS } from '../../state/params.ts';
import { ConfigError } from '../config.ts';
import type { ValidatorKey } from '../keys.ts';
import type { ByzantineMode } from '../testOnly.ts';
import { equivocatingNetwork } from './equivocation.ts';
import { InvalidAttribution } from './invalidAttribution.ts';
import { invalidBlockApp } from './invalidBlocks.ts';
import { ReplayingNetwork } from './replay.ts';
import { GossipSpammer } from './spam.ts';
import { lyingBlockSource } from './syncLies.ts';

/** Modes that need the validator's key: they sign consensus messages (and one derives its account from it). */
const SIGNING: readonly ByzantineMode[] = [
  'double-propose',
  'double-vote',
  'vote-invalid',
  'propose-invalid-tx',
  'propose-invalid-attribution',
  'replay-messages',
];

export interface FaultDeps {
  readonly chain: Chain;
  /** The validator's key; byzantine messages are signed with it directly, past the double-sign guard. */
  readonly key: ValidatorKey | undefined;
  readonly log: Logger;
}

export class ByzantineFaults {
  readonly #on: ReadonlySet<ByzantineMode>;
  readonly #deps: FaultDeps;
  readonly #log: Logger;
  #replay: ReplayingNetwork | undefined;
  #spam: GossipSpammer | undefined;

  constructor(modes: readonly ByzantineMode[], deps: FaultDeps) {
    this.#on = new Set(modes);
    this.#deps = deps;
    this.#log = deps.log.child({ module: 'byzantine' });
    const unsigned = SIGNING.filter((m) => this.#on.has(m));
    if (unsigned.length > 0 && !deps.key) {
      throw new ConfigError(
        `config.testOnly.byzantine: ${unsigned.join(', ')} need a validator key; this home has none`,
      );
    }
  }

  app(app: ConsensusApp): ConsensusApp {
    const proposeInvalidTx = this.#on.has('propose-invalid-tx');
    const voteInvalid = this.#on.has('vote-invalid');
    const invalidAttribution = this.#on.has('propose-invalid-attribution')
      ? new InvalidAttribution(this.#deps.chain, this.#deps.key!, this.#log)
      : undefined;
    if (!proposeInvalidTx && !voteInvalid && !invalidAttribution) return app;
    return invalidBlockApp(app, { proposeInvalidTx, voteInvalid, invalidAttribution, log: this.#log });
  }

  network(net: ConsensusNetwork): ConsensusNetwork {
    let out = net;
    if (this.#on.has('replay-messages')) out = this.#replay = new ReplayingNetwork(out, this.#log);
    const doubleVote = this.#on.has('double-vote');
    const doublePropose = this.#on.has('double-propose');
    if (doubleVote || doublePropose) {
      const { chain, key } = this.#deps;
      out = equivocatingNetwork(out, { doubleVote, doublePropose, chain, key: key!, log: this.#log });
    }
    return out;
  }

  blockSource(source: BlockSource): BlockSource {
    const serveWrong = this.#on.has('sync-serve-wrong');
    const withhold = this.#on.has('sync-withhold');
    const falseHeight = this.#on.has('false-height');
    if (!serveWrong && !withhold && !falseHeight) return source;
    return lyingBlockSource(source, { serveWrong, withhold, falseHeight, log: this.#log });
  }

  /** Starts the timed modes (replay, spam) once gossip runs. */
  start(host: P2pHost): void {
    this.#replay?.start();
    const junk = this.#on.has('flood-junk');
    const oversized = this.#on.has('oversized-messages');
    if (!junk && !oversized) return;
    const limits = gossipLimits(TRANSPORT_LIMITS);
    this.#spam = new GossipSpammer({ junk, oversized, limits, log: this.#log });
    this.#spam.start(host);
  }

  stop(): void {
    this.#replay?.stop();
    this.#spam?.stop();
  }
}
