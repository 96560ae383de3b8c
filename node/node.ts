// The composition root: opens the store, builds the application, joins the network, runs
// consensus, RPC and metrics, and closes them in reverse order. Everything a running node is made
// of is wired here.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { ConsensusEngine } from '../consensus/engine.ts';
import { PrivValidator } from '../consensus/privval.ts';
import { ConsensusStateStore } from '../consensus/stateStore.ts';
import type { ConsensusNetwork } from '../consensus/types.ts';
import { readWal, Wal } from '../consensus/wal.ts';
import {
  defaultBulkRecoveryThreads,
  defaultRecoveryThreads,
  inlineRecovery,
  WorkerRecovery,
} from '../core/senderRecovery.ts';
import { buildGenesisBlock } from '../genesis/build.ts';
import { genesisToJson, loadGenesisFile } from '../genesis/load.ts';
import { P2pHost } from '../p2p/host.ts';
import { loadOrCreateNodeKey, nodeKeyPath } from '../p2p/nodeKey.ts';
import { FILTER_DEFAULTS } from '../rpc/eth/filters.ts';
import { ethModule } from '../rpc/eth/index.ts';
import type { JsonValue } from '../rpc/jsonrpc.ts';
import { netModule, web3Module } from '../rpc/net.ts';
import { openModule } from '../rpc/open.ts';
import { Registry } from '../rpc/registry.ts';
import { RpcServer } from '../rpc/server.ts';
import { SubscriptionHub } from '../rpc/subscriptions.ts';
import { txpoolModule } from '../rpc/txpool.ts';
import { Chain } from '../state/chain.ts';
import { AttributionModule } from '../state/modules/attribution/index.ts';
import { govModule } from '../state/modules/gov/index.ts';
import { stakingModule } from '../state/modules/staking/index.ts';
import { TRANSPORT_LIMITS } from '../state/params.ts';
import { Database, StoreCorruptError, StoreWriteFailedError } from '../state/store/database.ts';
import { startAttestor } from './attestation/start.ts';
import { blockSource } from './blockSource.ts';
import { ByzantineFaults } from './byzantine/faults.ts';
import type { NodeConfig } from './config.ts';
import { consensusStore } from './consensusStore.ts';
import { DataDamagedError, headProblems, walCommittedHeight } from './dataCheck.ts';
import { gossipHandlers } from './gossipHandlers.ts';
import { homePaths } from './home.ts';
import { requireRecordedGenesis } from './homeGenesis.ts';
import { loadValidatorKey } from './keys.ts';
import { HomeLock } from './lock.ts';
import { NodeMetrics } from './metrics.ts';
import { SigningWatch } from './signingWatch.ts';
import { proveHead, SyncController } from './sync.ts';
import { nodeClock } from './testOnly.ts';
import { TxRelayBudget } from './txRelayBudget.ts';
import { CLIENT_VERSION, VERSION } from './version.ts';

export interface NodeOptions {
  readonly home: string;
  readonly config: NodeConfig;
  readonly logger: Logger;
  /**
   * Called when the node cannot go on without a restart (its store refused a write): `openchain
   * start` stops and exits so that a supervisor restarts it, instead of serving RPC from a node
   * that will never commit again.
   */
  readonly onFatal?: (err: Error) => void;
}

export interface RunningEndpoints {
  readonly rpcUrl?: string;
  readonly wsUrl?: string;
  readonly metricsUrl?: string;
  readonly p2p: readonly string[];
}

type Closer = () => Promise<void> | void;

export class OpenchainNode {
  readonly chain: Chain;
  readonly engine: ConsensusEngine;
  readonly host: P2pHost;
  readonly endpoints: RunningEndpoints;
  readonly #closers: Closer[];
  readonly #log: Logger;
  #stopping: Promise<void> | undefined;

  private constructor(
    parts: { chain: Chain; engine: ConsensusEngine; host: P2pHost; endpoints: RunningEndpoints },
    closers: Closer[],
    log: Logger,
  ) {
    this.chain = parts.chain;
    this.engine = parts.engine;
    this.host = parts.host;
    this.endpoints = parts.endpoints;
    this.#closers = closers;
    this.#log = log;
  }

  static async start({ home, config, logger: log, onFatal }: NodeOptions): Promise<OpenchainNode> {
    const paths = homePaths(home);
    // Each opened resource registers its closer at once, so a failure part-way closes what is open.
    const closers: Closer[] = [];
    try {
      const lock = HomeLock.acquire(paths.lock);
      closers.push(() => lock.release());

      const genesis = loadGenesisFile(paths.genesis);
      const genesisBlock = await buildGenesisBlock(genesis);
      requireRecordedGenesis(home, genesisBlock.hash);
      // A database created now (first start, or after reset-data) has nothing to be behind.
      const fresh = !existsSync(join(paths.db, 'CURRENT'));
      const db = await Database.open(paths.db).catch((err) => {
        throw err instanceof StoreCorruptError ? new DataDamagedError(home, err.problems) : err;
      });
      closers.push(() => db.close());
      const threads = config.recovery.threads ?? defaultRecoveryThreads();
      const bulkThreads = config.recovery.syncThreads ?? defaultBulkRecoveryThreads(threads);
      const recovery =
        threads > 0
          ? WorkerRecovery.start(threads, bulkThreads, (err) =>
              log.error({ err }, 'a sender recovery worker failed; recovering senders on the main thread'),
            )
          : inlineRecovery;
      closers.push(() => recovery.close());
      const chain = await Chain.open(db, genesisBlock, {
        mempool: config.mempool,
        modules: [new AttributionModule(), stakingModule(), govModule()],
        recovery,
      });
      log.info(
        { chainId: chain.chainId.toString(), genesis: chain.genesisHash, height: chain.head.header.height },
        'chain opened',
      );
      const metrics = new NodeMetrics();
      metrics.watch(chain);

      const signer = existsSync(paths.validatorKey) ? openSigner(paths.validatorKey, paths.data) : undefined;
      if (!signer) log.warn('no validator key in the home: this node follows the chain without signing');
      const walPath = join(paths.data, 'consensus.wal');
      const signed = signer?.lastSigned?.height;
      const problems = await headProblems(
        chain,
        new ConsensusStateStore(consensusStore(db)),
        fresh ? {} : { wal: walCommittedHeight(readWal(walPath).entries), signed },
      );
      if (problems.length > 0) throw new DataDamagedError(home, problems);
      if (fresh && signed !== undefined) {
        log.warn(
          { signed },
          'new database: this validator signs again once the chain is past the height it last signed',
        );
      }
      if (config.testOnly) {
        log.warn(
          { testOnly: config.testOnly },
          'TEST-ONLY SWITCHES IN FORCE: this node is deliberately faulty; never run it on a real network',
        );
      }
      const faults = new ByzantineFaults(config.testOnly?.byzantine ?? [], {
        chain,
        key: signer && loadValidatorKey(paths.validatorKey),
        log,
      });

      const nodeKey = await loadOrCreateNodeKey(nodeKeyPath(home));
      const host = await P2pHost.start({
        config: config.p2p,
        nodeKey,
        log,
        chain: {
          chainId: chain.chainId,
          genesisHash: chain.genesisHash,
          ...TRANSPORT_LIMITS,
        },
      });
      closers.push(() => host.stop());
      await host.serveBlocks(faults.blockSource(blockSource(chain)));

      let sync: SyncController | undefined;
      const publish = (what: string, sent: Promise<number>) =>
        sent.catch((err) => log.warn({ err }, `could not gossip ${what}`));
      const network: ConsensusNetwork = {
        broadcastProposal: (p) => void publish('proposal', host.gossip.publishProposal(p)),
        broadcastVote: (v) => void publish('vote', host.gossip.publishVote(v)),
        broadcastEvidence: (e) => void publish('evidence', host.gossip.publishEvidence(e)),
        requestCatchUp: () => void sync?.sync(),
      };
      // One clock for consensus and for the block eth_call simulates (test-only offset included).
      const clock = nodeClock(config.testOnly);
      const engine = new ConsensusEngine({
        app: faults.app(chain),
        network: faults.network(network),
        store: consensusStore(db),
        wal: Wal.open(walPath, log),
        signer,
        clock,
        config: {
          ...stripUndefined(config.consensus),
          timeoutCommitMs: config.block.intervalMs,
          createEmptyBlocks: config.block.createEmptyBlocks,
          emptyBlocksIntervalMs: config.block.emptyBlocksIntervalMs,
        },
        logger: log.child({ module: 'consensus' }),
        // The application disagrees with a quorum, or the node's own files are damaged: stop signing,
        // keep serving RPC so the operator can see why.
        onHalt: (err) => {
          log.fatal({ err }, 'consensus halted');
          if (err instanceof StoreWriteFailedError) onFatal?.(err);
        },
      });
      await engine.start();
      closers.push(() => engine.stop());

      const controller = new SyncController(
        host,
        {
          height: () => chain.head.header.height,
          applyBlock: (b, c) => engine.applyBlock(b, c),
          prefetch: (b) => chain.prefetchSenders(b),
          verifyHead: (c) => proveHead(chain.chainId, c, chain.validators()),
        },
        log.child({ module: 'sync' }),
      );
      sync = controller;
      closers.push(() => controller.stop());
      // The validator's attestor: after consensus (it follows committed blocks), stopped before it.
      if (signer) {
        const watch = new SigningWatch({
          address: signer.address,
          intervalMs: config.block.intervalMs,
          isValidator: () => chain.validators().some((v) => v.address === signer.address),
          log: log.child({ module: 'signing' }),
        });
        chain.onCommit((info) => watch.observe(info.block));
        const attestor = startAttestor({
          chain,
          config: config.attestation,
          home,
          dataDir: paths.data,
          log,
          syncing: () => controller.status().syncing,
        });
        if (attestor) closers.push(() => attestor.stop());
      }
      // Consensus gossip is handled from the start: no peer's claim can hold the node out of it.
      const txBudget = new TxRelayBudget((peer, action, reason) =>
        host.peerManager.penalize(peer, action, reason),
      );
      host.gossip.start(
        gossipHandlers(chain, engine, { syncing: () => controller.status().syncing, txBudget }),
      );
      closers.push(() => host.gossip.stop());
      faults.start(host);
      closers.push(() => faults.stop());
      chain.onLocalTx((raw) => void publish('transaction', host.gossip.publishTx(raw)));
      // A peer that connects may be ahead even when the network is quiet (a halted chain gossips
      // nothing that would trigger consensus catch-up): ask, at the cost of one status request.
      host.libp2p.addEventListener('peer:connect', () => void controller.sync());
      // RPC comes up at once; eth_syncing tells clients while the node catches up.
      void controller.sync().then(() => {
        log.info({ height: chain.head.header.height, peers: host.peerCount }, 'first sync run done');
      });

      const endpoints: { rpcUrl?: string; wsUrl?: string; metricsUrl?: string; p2p: string[] } = {
        p2p: host.multiaddrs(),
      };
      if (config.metrics.enabled) {
        endpoints.metricsUrl = await metrics.serve(
          config.metrics.host,
          config.metrics.port,
          config.metrics.eventLoopSampleMs,
        );
        closers.push(() => metrics.close());
      }
      if (config.rpc.enabled) {
        const info = {
          nodeInfo: (): JsonValue => ({
            moniker: config.moniker,
            version: VERSION,
            client: CLIENT_VERSION,
            chainId: chain.chainId.toString(),
            genesisHash: chain.genesisHash,
            validatorAddress: signer?.address ?? null,
            peerId: host.peerId,
            listen: host.multiaddrs(),
            height: chain.head.header.height,
            consensus: { ...engine.status() } as unknown as JsonValue,
            mempool: { ...chain.mempool.stats() },
          }),
          genesis: () => genesisToJson(genesis) as JsonValue,
          peers: () => host.peers() as unknown as JsonValue,
          syncing: () => controller.status(),
        };
        const subscriptions = new SubscriptionHub(chain, {
          maxSubscriptionsPerConnection: config.rpc.wsMaxSubscriptionsPerConnection,
          maxSubscriptionsPerIp: config.rpc.wsMaxSubscriptionsPerIp,
        });
        const registry = new Registry([
          ethModule(chain, () => controller.status(), subscriptions, clock, {
            ...FILTER_DEFAULTS,
            maxFiltersPerClient: config.rpc.maxFiltersPerIp,
            maxFilters: config.rpc.maxFilters,
            filterTimeoutMs: config.rpc.filterTimeoutMs,
          }),
          netModule(chain.chainId, () => host.peerCount),
          web3Module(CLIENT_VERSION),
          openModule(chain, info, subscriptions),
          txpoolModule(chain.mempool),
        ]);
        const {
          enabled,
          maxBatchSize,
          wsMaxSubscriptionsPerConnection,
          wsMaxSubscriptionsPerIp,
          maxFiltersPerIp,
          maxFilters,
          filterTimeoutMs,
          ...transport
        } = config.rpc;
        const rpc = new RpcServer(registry, {
          ...transport,
          maxBatchLength: maxBatchSize,
          logger: log.child({ module: 'rpc' }),
          // Each call's counter and histogram cost about 1.6 µs: only a node that serves them pays.
          onCall: config.metrics.enabled ? metrics.onRpcCall : undefined,
        });
        const urls = await rpc.start();
        closers.push(() => rpc.stop());
        endpoints.rpcUrl = urls.url;
        endpoints.wsUrl = urls.wsUrl;
      }
      return new OpenchainNode({ chain, engine, host, endpoints }, closers, log);
    } catch (err) {
      await closeAll(closers, log);
      throw err;
    }
  }

  /** Stops in reverse order of start: RPC, metrics, gossip, sync, consensus, p2p, database, lock. */
  stop(): Promise<void> {
    this.#stopping ??= closeAll(this.#closers, this.#log).then(() => this.#log.info('node stopped'));
    return this.#stopping;
  }
}

function openSigner(keyPath: string, dataDir: string): PrivValidator {
  const key = loadValidatorKey(keyPath);
  return new PrivValidator(key.secretKey, key.pubKey, join(dataDir, 'privval_state.json'));
}

async function closeAll(closers: Closer[], log: Logger): Promise<void> {
  for (const close of [...closers].reverse()) {
    try {
      await close();
    } catch (err) {
      log.error({ err }, 'error while stopping');
    }
  }
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
