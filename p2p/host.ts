// The libp2p host: TCP + noise + yamux, identify, gossipsub and the sync protocols, configured from
// the node config and the chain's identity and limits. The node creates one with P2pHost.start,
// starts gossip with its handler, serves and syncs blocks, and stops it on shutdown.
import { bootstrap } from '@libp2p/bootstrap';
import { type GossipSub, gossipsub, StrictNoSign } from '@libp2p/gossipsub';
import { type Identify, identify } from '@libp2p/identify';
import { tcp } from '@libp2p/tcp';
import type { Multiaddr } from '@multiformats/multiaddr';
import { createLibp2p, type Libp2p } from 'libp2p';
import type { Logger } from 'pino';
import { BootstrapKeeper } from './bootstrap.ts';
import type { P2pConfig } from './config.ts';
import { Gossip, messageId } from './gossip/gossip.ts';
import { ProposalBlocks } from './gossip/proposalBlocks.ts';
import { IpConnectionLimit } from './ipLimit.ts';
import { type ChainLimits, gossipLimits, maxBlockBytes } from './limits.ts';
import type { NodeKey } from './nodeKey.ts';
import { noiseCrypto } from './noiseCrypto.ts';
import { noiseOneWritePerFrame } from './noiseFrames.ts';
import { PeerBans, type PeerInfo, PeerManager } from './peerManager.ts';
import { asGossipRouter } from './router.ts';
import { PeerPenalties, SCORE_THRESHOLDS, scoreParams } from './scoring.ts';
import { SyncClient } from './sync/client.ts';
import type { SyncProgress } from './sync/progress.ts';
import { BlockSyncServer } from './sync/server.ts';
import { BlockSyncer } from './sync/syncer.ts';
import type { BlockSink, BlockSource } from './sync/types.ts';
import { type ChainIdentity, type Names, names } from './topics.ts';
import { yamuxHalfWindowUpdates } from './yamuxWindow.ts';

export interface P2pHostInit {
  readonly config: P2pConfig;
  readonly chain: ChainIdentity & ChainLimits;
  readonly nodeKey: NodeKey;
  readonly log: Logger;
  /** How long local transactions wait to share a gossip message (default TX_BATCH_MS). */
  readonly txBatchMs?: number;
}

type Services = { identify: Identify; pubsub: GossipSub };

/** Gossipsub frames may bundle a few messages around the largest one. */
const RPC_SLACK_BYTES = 64 * 1024;

export class P2pHost {
  /** The underlying node, for metrics and tests; the methods below are the supported surface. */
  readonly libp2p: Libp2p<Services>;
  readonly peerId: string;
  readonly names: Names;
  readonly gossip: Gossip;
  readonly peerManager: PeerManager;
  /** Client side of the sync protocols (the syncer uses it; exposed for tools and tests). */
  readonly syncClient: SyncClient;
  readonly #init: P2pHostInit;
  readonly #bootstrap: BootstrapKeeper;
  readonly #proposalBlocks: ProposalBlocks;
  readonly #log: Logger;
  #server: BlockSyncServer | undefined;

  private constructor(libp2p: Libp2p<Services>, init: P2pHostInit, penalties: PeerPenalties, bans: PeerBans) {
    const { config, chain } = init;
    this.libp2p = libp2p;
    this.#init = init;
    this.#log = init.log;
    this.peerId = libp2p.peerId.toString();
    this.names = names(chain);
    const router = asGossipRouter(libp2p.services.pubsub);
    this.peerManager = new PeerManager(libp2p, router, penalties, bans, config.banMs, init.log);
    this.#proposalBlocks = new ProposalBlocks(
      libp2p,
      this.names.proposalBlockProtocol,
      maxBlockBytes(chain),
      init.log,
    );
    this.gossip = new Gossip({
      router,
      names: this.names,
      chainId: chain.chainId,
      limits: gossipLimits(chain),
      proposalBlocks: this.#proposalBlocks,
      log: init.log,
      ...(init.txBatchMs === undefined ? {} : { txBatchMs: init.txBatchMs }),
    });
    this.syncClient = new SyncClient(libp2p, this.names, chain, {
      requestTimeoutMs: config.sync.requestTimeoutMs,
      maxResponseBytes: config.sync.maxResponseBytes,
      maxBlockBytes: maxBlockBytes(chain),
    });
    this.#bootstrap = new BootstrapKeeper(
      libp2p,
      config.bootstrap,
      {
        baseDelayMs: config.bootstrapRedialMs,
        dialTimeoutMs: config.dialTimeoutMs,
        isBanned: (p) => bans.isBanned(p),
      },
      init.log,
    );
  }

  static async start(init: P2pHostInit): Promise<P2pHost> {
    const { config, chain } = init;
    const log = init.log.child({ module: 'p2p' });
    const chainNames = names(chain);
    const topics = Object.values(chainNames.topics);
    const maxRpcBytes = gossipLimits(chain).proposal + RPC_SLACK_BYTES;
    const penalties = new PeerPenalties();
    const bans = new PeerBans();
    // The gater is handed to libp2p before libp2p exists, so it reads the connections lazily.
    let connections: () => Iterable<Multiaddr> = () => [];
    const perIp = new IpConnectionLimit(config.maxConnectionsPerIp, () => connections());
    const libp2p = await createLibp2p({
      privateKey: init.nodeKey.privateKey,
      addresses: { listen: [...config.listen], announce: [...config.announce] },
      transports: [tcp()],
      connectionEncrypters: [noiseOneWritePerFrame({ crypto: noiseCrypto })],
      streamMuxers: [yamuxHalfWindowUpdates()],
      connectionGater: { ...bans.gater(), denyInboundConnection: (c) => perIp.denyInbound(c) },
      connectionManager: { maxConnections: config.maxConnections, dialTimeout: config.dialTimeoutMs },
      connectionMonitor: { pingInterval: config.pingIntervalMs },
      peerDiscovery:
        config.bootstrap.length > 0 ? [bootstrap({ list: [...config.bootstrap], timeout: 0 })] : [],
      services: {
        identify: identify(),
        pubsub: gossipsub({
          // Unsigned, content-addressed messages: authorship is proven inside (signed txs, votes,
          // proposals), and identical bytes from two publishers are one message.
          globalSignaturePolicy: StrictNoSign,
          msgIdFn: messageId,
          asyncValidation: true,
          allowPublishToZeroTopicPeers: true,
          ignoreDuplicatePublishError: true,
          fallbackToFloodsub: false,
          doPX: false,
          allowedTopics: topics,
          maxInboundDataLength: maxRpcBytes,
          maxOutboundBufferSize: 2 * maxRpcBytes,
          scoreParams: scoreParams(topics, (peer) => 0 - penalties.value(peer)),
          scoreThresholds: SCORE_THRESHOLDS,
        }),
      },
    });
    connections = () => libp2p.getConnections().map((c) => c.remoteAddr);
    try {
      const host = new P2pHost(libp2p, { ...init, log }, penalties, bans);
      await host.#proposalBlocks.start();
      host.peerManager.start();
      host.#bootstrap.start();
      log.info({ peerId: host.peerId, listen: host.multiaddrs() }, 'p2p started');
      return host;
    } catch (err) {
      await libp2p.stop();
      throw err;
    }
  }

  get peerCount(): number {
    return this.peerManager.peerCount;
  }

  peers(): PeerInfo[] {
    return this.peerManager.peers();
  }

  /** Our dialable addresses, each ending in /p2p/<peer id> (what goes into others' bootstrap). */
  multiaddrs(): string[] {
    return this.libp2p.getMultiaddrs().map((a) => a.toString());
  }

  /** Starts answering status and blocks requests from `source`. */
  async serveBlocks(source: BlockSource): Promise<void> {
    if (this.#server) throw new Error('already serving blocks');
    this.#server = new BlockSyncServer(
      this.libp2p,
      this.names,
      this.#init.chain,
      source,
      this.#init.config.sync,
      this.#log,
    );
    await this.#server.start();
  }

  /** A syncer that downloads from this host's peers into `sink`; call `run()` on it. */
  createSyncer(sink: BlockSink, onProgress?: (p: SyncProgress) => void): BlockSyncer {
    const peers = {
      connected: () =>
        this.libp2p
          .getPeers()
          .map((p) => p.toString())
          .filter((p) => !this.peerManager.isBanned(p)),
      penalize: this.peerManager.penalize.bind(this.peerManager),
    };
    return new BlockSyncer(this.syncClient, peers, sink, this.#init.config.sync, this.#log, onProgress);
  }

  async stop(): Promise<void> {
    this.gossip.stop();
    this.#bootstrap.stop();
    this.peerManager.stop();
    await this.libp2p.stop();
    this.#log.info('p2p stopped');
  }
}
