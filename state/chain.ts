// The application behind consensus (an ABCI++-shaped interface: checkTx, prepareProposal,
// processProposal, finalizeBlock): it owns the store, the state, the mempool and the modules, and
// turns ordered transactions into committed blocks. It never imports consensus or p2p.
import { type Address, addressFromBytes } from '../core/address.ts';
import {
  type Block,
  blockHash,
  encodedBlockLength,
  evidenceListHash,
  type Header,
  type ProposalInput,
  txRoot,
} from '../core/block.ts';
import { bytesToHex, equalBytes, type Hex, hexToBytes } from '../core/bytes.ts';
import { OpenchainError } from '../core/errors.ts';
import type { Evidence } from '../core/evidence.ts';
import { type Log, receiptsRoot } from '../core/receipt.ts';
import { inlineRecovery, type RecoveryLane, type SenderRecovery } from '../core/senderRecovery.ts';
import { decodeTx, type SignedTx, txHash } from '../core/tx.ts';
import { type Validator, validatorsHash } from '../core/validator.ts';
import { type Commit, commitHash } from '../core/vote.ts';
import type { GenesisBlock } from '../genesis/build.ts';
import { readAccount } from './accounts.ts';
import { type CheckedEvidence, checkEvidence } from './evidence.ts';
import { type BlockEnd, endBlock } from './execution/endBlock.ts';
import { type BlockEnv, type BlockExecution, executeBlock, type SenderTx } from './execution/executeBlock.ts';
import { nextBaseFee } from './execution/gas.ts';
import { checkStatic } from './execution/txValidity.ts';
import type { MempoolOptions } from './mempool/config.ts';
import { Mempool } from './mempool/index.ts';
import type { AccountState, AddResult } from './mempool/types.ts';
import { type Module, ModuleRegistry } from './modules/module.ts';
import { type ChainParams, readParams } from './params.ts';
import { StateSpace, stateKeys } from './stateKeys.ts';
import { type PreparedStateCommit, StateStore } from './stateStore.ts';
import { BlockStore, type HeaderWithHash } from './store/blockStore.ts';
import { type Database, WriteBatch } from './store/database.ts';
import { keys } from './store/keys.ts';
import type { StoredReceipt } from './store/receipts.ts';
import { readValidators } from './validatorSet.ts';
import { lockedAt } from './vesting/schedule.ts';
import { readVesting } from './vesting/store.ts';

export class InvalidProposalError extends OpenchainError<'INVALID_PROPOSAL'> {
  constructor(message: string) {
    super('INVALID_PROPOSAL', message);
  }
}

/** A block's transactions executed, then its end-of-block step with the events it emitted. */
type EndedBlock = BlockExecution & { readonly events: Log[] };

/** A block executed against the head but not yet committed. */
interface ExecutedBlock {
  readonly block: Block;
  readonly hash: Hex;
  readonly txHashes: Hex[];
  readonly receipts: StoredReceipt[];
  /** Events of the end-of-block step (no transaction's). */
  readonly events: Log[];
  readonly stateCommit: PreparedStateCommit;
  readonly touched: Address[];
}

export interface CommittedBlockInfo {
  readonly block: Block;
  readonly hash: Hex;
  readonly receipts: readonly StoredReceipt[];
  readonly txHashes: readonly Hex[];
  /** Events of the block's end-of-block step (governance outcomes), after its transactions' logs. */
  readonly events: readonly Log[];
}

export interface ChainOptions {
  readonly modules?: readonly Module[];
  /** How senders are recovered (a worker pool in the node; the calling thread by default). */
  readonly recovery?: SenderRecovery;
  readonly mempool?: Partial<MempoolOptions>;
  readonly stateCacheSize?: number;
}

const GENESIS_HASH = keys.meta('genesis');

export class Chain {
  readonly chainId: bigint;
  readonly genesisHash: Hex;
  readonly blocks: BlockStore;
  readonly state: StateStore;
  readonly modules: ModuleRegistry;
  readonly mempool: Mempool;
  readonly #db: Database;
  /** Proposals executed at the current height, by block hash, so commit does not re-execute. */
  #executed = new Map<Hex, ExecutedBlock>();
  readonly #commitListeners: ((info: CommittedBlockInfo) => void)[] = [];
  readonly #txListeners: ((raw: Uint8Array) => void)[] = [];
  #params: ChainParams | undefined;
  readonly #recovery: SenderRecovery;
  /** Block sync's transactions decoded and recovered ahead of their block (prefetchSenders). */
  readonly #prefetched = new WeakMap<Uint8Array, Promise<SenderTx | Error>>();

  private constructor(db: Database, genesis: GenesisBlock, opts: ChainOptions) {
    this.#db = db;
    this.#recovery = opts.recovery ?? inlineRecovery;
    this.chainId = genesis.header.chainId;
    this.genesisHash = genesis.hash;
    this.blocks = new BlockStore(db);
    this.state = new StateStore(db, { cacheSize: opts.stateCacheSize });
    this.modules = new ModuleRegistry(opts.modules ?? []);
    this.mempool = new Mempool(
      { chainId: this.chainId, ...opts.mempool },
      { getAccount: (address) => this.#accountForPool(address) },
      {
        check: (tx) => checkStatic(tx, this.chainId, this.params(), this.modules),
        minFeePerGas: () => this.params().minBaseFee,
        txLimits: () => this.params(),
        stakesValue: (to) => this.modules.get(to)?.stakesValue === true,
        headTime: () => this.head.header.time,
      },
      this.#recovery,
    );
  }

  /**
   * Opens the chain in `db`, writing the genesis block if the database is new. A database created
   * from a different genesis is refused rather than silently mixed.
   */
  static async open(db: Database, genesis: GenesisBlock, opts: ChainOptions = {}): Promise<Chain> {
    const stored = db.getSync(GENESIS_HASH);
    if (stored && bytesToHex(stored) !== genesis.hash) {
      throw new OpenchainError(
        'GENESIS_MISMATCH',
        `the database was created from genesis ${bytesToHex(stored)}, but the genesis file hashes to ${genesis.hash}`,
      );
    }
    const chain = new Chain(db, genesis, opts);
    if (!stored) await chain.#writeGenesis(genesis);
    return chain;
  }

  async #writeGenesis(genesis: GenesisBlock): Promise<void> {
    const batch = new WriteBatch();
    const prepared: PreparedStateCommit = {
      parentRoot: new Uint8Array(32),
      root: hexToBytes(genesis.header.stateRoot),
      changes: genesis.changes,
      nodes: genesis.nodes,
      replaced: [],
    };
    this.state.write(batch, prepared);
    const block: Block = { header: genesis.header, txs: [], lastCommit: null, evidence: [] };
    this.blocks.putBlock(batch, block, genesis.hash, [], null, []);
    batch.put(GENESIS_HASH, hexToBytes(genesis.hash));
    await this.#db.write(batch);
    this.state.markCommitted(prepared);
    this.blocks.markCommitted(0, genesis.header, genesis.hash);
  }

  get head(): HeaderWithHash {
    return this.blocks.headHeader();
  }

  /**
   * The mempool's view of an account: its unlock schedule goes with it, so the pool judges the
   * spendable balance at the head's time of each admission, not at the time of this read.
   */
  #accountForPool(address: Address): AccountState {
    const { nonce, balance } = readAccount(this.state, address);
    const vesting = readVesting(this.state, address);
    return { nonce, balance, ...(vesting && { lockedAt: (time: number) => lockedAt(vesting, time) }) };
  }

  /** Parameters of the latest state, decoded once per committed block. */
  params(): ChainParams {
    this.#params ??= readParams(this.state);
    return this.#params;
  }

  /** Validators of the next block (the set the latest state holds). */
  validators(): Validator[] {
    return readValidators(this.state);
  }

  onCommit(listener: (info: CommittedBlockInfo) => void): void {
    this.#commitListeners.push(listener);
  }

  /** Called with each transaction a local client (RPC) got admitted, e.g. to gossip it. */
  onLocalTx(listener: (raw: Uint8Array) => void): void {
    this.#txListeners.push(listener);
  }

  /** Admits a transaction submitted by a local client; gossip arrivals use mempool.add directly. */
  async checkTx(raw: Uint8Array): Promise<AddResult> {
    const result = await this.mempool.add(raw);
    for (const listener of this.#txListeners) listener(raw);
    return result;
  }

  /** Builds and executes the next block from the mempool (the proposer's side). */
  async prepareProposal(input: ProposalInput): Promise<Block> {
    const parent = this.head;
    const params = this.params();
    const baseFee = nextBaseFee(parent.header, params);
    const candidates = this.mempool.selectForBlock({
      baseFee,
      gasLimit: params.blockGasLimit,
      maxBytes: params.maxBlockTxBytes,
      maxTxs: input.maxTxs,
    });
    const evidence = await this.#includableEvidence(input.evidence, input.height, params);
    const execution = this.#execute(
      this.#blockEnv(input.height, input.time, baseFee, params),
      candidates,
      'build',
      { lastCommit: input.lastCommit, evidence, parentHash: hexToBytes(parent.hash) },
      params.maxBlockTxBytes,
    );
    const txs = execution.included.map((i) => i.tx.raw);
    const stateCommit = await this.state.prepare(
      hexToBytes(parent.header.stateRoot),
      execution.state.changes(),
    );
    const validators = this.validators();
    const header: Header = {
      chainId: this.chainId,
      height: input.height,
      time: input.time,
      parentHash: parent.hash,
      txRoot: txRoot(txs),
      stateRoot: bytesToHex(stateCommit.root),
      receiptsRoot: receiptsRoot(execution.receipts),
      logsBloom: execution.logsBloom,
      proposer: input.proposer.address,
      validatorsHash: bytesToHex(validatorsHash(validators)),
      nextValidatorsHash: bytesToHex(validatorsHash(readValidators(execution.state))),
      lastCommitHash: bytesToHex(commitHash(input.lastCommit)),
      evidenceHash: evidenceListHash(evidence.map((c) => c.evidence)),
      gasLimit: params.blockGasLimit,
      gasUsed: execution.gasUsed,
      baseFeePerGas: baseFee,
    };
    const block: Block = {
      header,
      txs,
      lastCommit: input.lastCommit,
      evidence: evidence.map((c) => c.evidence),
    };
    // Skipped senders are re-checked by the mempool after the commit, like every touched account.
    this.#remember(
      block,
      execution,
      stateCommit,
      execution.skipped.map((s) => s.item.sender),
    );
    return block;
  }

  /**
   * Re-executes a proposed block and checks every header field against the result. Throws
   * InvalidProposalError naming the first mismatch. Signature checks of lastCommit are consensus's job.
   */
  async processProposal(block: Block): Promise<Hex> {
    const hash = blockHash(block.header);
    // Our own proposal (the very object prepareProposal returned) needs no second look.
    if (this.#executed.get(hash)?.block === block) return hash;
    const h = block.header;
    const expect = (ok: boolean, what: string) => {
      if (!ok) throw new InvalidProposalError(`block ${h.height} ${hash}: ${what}`);
    };
    // The body is checked against the header before the cache: two blocks with one header but
    // different bodies share a hash, and only the one the header commits to may pass.
    expect(h.txRoot === txRoot(block.txs), 'txRoot does not match the transactions');
    expect(h.evidenceHash === evidenceListHash(block.evidence), 'evidenceHash does not match the evidence');
    expect(
      h.lastCommitHash === bytesToHex(commitHash(block.lastCommit)),
      'lastCommitHash does not match lastCommit',
    );
    if (this.#executed.has(hash)) return hash;
    const parent = this.head;
    const params = this.params();
    expect(h.chainId === this.chainId, `chain id ${h.chainId}, expected ${this.chainId}`);
    expect(h.height === parent.header.height + 1, `height ${h.height}, expected ${parent.header.height + 1}`);
    expect(h.parentHash === parent.hash, `parent ${h.parentHash}, expected ${parent.hash}`);
    expect(h.time > parent.header.time, `time ${h.time} not after parent time ${parent.header.time}`);
    expect(
      (block.lastCommit === null) === (h.height === 1),
      'lastCommit must be present exactly when height > 1',
    );
    if (block.lastCommit) {
      expect(
        block.lastCommit.height === parent.header.height && block.lastCommit.blockHash === parent.hash,
        'lastCommit is not for the parent block',
      );
    }
    const validators = this.validators();
    expect(
      h.validatorsHash === bytesToHex(validatorsHash(validators)),
      'validatorsHash does not match the validator set',
    );
    const proposer = validators.find((v) => v.address === h.proposer);
    expect(proposer !== undefined, `proposer ${h.proposer} is not a validator`);
    expect(h.gasLimit === params.blockGasLimit, `gasLimit ${h.gasLimit}, expected ${params.blockGasLimit}`);
    const baseFee = nextBaseFee(parent.header, params);
    expect(h.baseFeePerGas === baseFee, `baseFeePerGas ${h.baseFeePerGas}, expected ${baseFee}`);
    let txBytes = 0;
    for (const raw of block.txs) txBytes += raw.length;
    expect(
      txBytes <= params.maxBlockTxBytes,
      `transactions take ${txBytes} bytes, limit ${params.maxBlockTxBytes}`,
    );

    const items = await this.#decodeBlockTxs(block, (why) => {
      throw new InvalidProposalError(`block ${h.height} ${hash}: ${why}`);
    });
    for (const item of items) {
      try {
        checkStatic(item.tx, this.chainId, params, this.modules);
      } catch (err) {
        expect(false, `transaction ${item.tx.hash}: ${(err as Error).message}`);
      }
    }
    let evidence: CheckedEvidence[] = [];
    try {
      evidence = await checkEvidence(block.evidence, this.#evidenceContext(h.height, params));
    } catch (err) {
      expect(false, (err as Error).message);
    }
    let execution: EndedBlock;
    try {
      execution = this.#execute(this.#blockEnv(h.height, h.time, baseFee, params), items, 'verify', {
        lastCommit: block.lastCommit,
        evidence,
        parentHash: hexToBytes(parent.hash),
      });
    } catch (err) {
      throw new InvalidProposalError(`block ${h.height} ${hash}: ${(err as Error).message}`);
    }
    expect(h.gasUsed === execution.gasUsed, `gasUsed ${h.gasUsed}, execution used ${execution.gasUsed}`);
    expect(h.receiptsRoot === receiptsRoot(execution.receipts), 'receiptsRoot does not match execution');
    expect(equalBytes(h.logsBloom, execution.logsBloom), 'logsBloom does not match execution');
    expect(
      h.nextValidatorsHash === bytesToHex(validatorsHash(readValidators(execution.state))),
      'nextValidatorsHash does not match execution',
    );
    const stateCommit = await this.state.prepare(
      hexToBytes(parent.header.stateRoot),
      execution.state.changes(),
    );
    expect(
      h.stateRoot === bytesToHex(stateCommit.root),
      `stateRoot ${h.stateRoot}, execution gives ${bytesToHex(stateCommit.root)}`,
    );
    this.#remember(block, execution, stateCommit);
    return hash;
  }

  /**
   * Commits a decided block with its commit certificate in one atomic write. The block must have
   * been prepared or processed at this height (it is processed here otherwise).
   */
  async finalizeBlock(block: Block, commit: Commit): Promise<CommittedBlockInfo> {
    const hash = await this.processProposal(block);
    const executed = this.#executed.get(hash)!;
    const batch = new WriteBatch();
    this.state.write(batch, executed.stateCommit);
    this.blocks.putBlock(batch, block, hash, executed.receipts, commit, executed.txHashes, executed.events);
    await this.#db.write(batch);
    this.state.markCommitted(executed.stateCommit);
    this.blocks.markCommitted(block.header.height, block.header, hash, {
      txHashes: executed.txHashes,
      size: encodedBlockLength(block),
    });
    this.#executed = new Map();
    this.#params = undefined;
    await this.mempool.onBlockCommitted({
      txs: executed.txHashes.map((h) => ({ hash: h })),
      touched: executed.touched,
    });
    const info: CommittedBlockInfo = {
      block,
      hash,
      receipts: executed.receipts,
      txHashes: executed.txHashes,
      events: executed.events,
    };
    for (const listener of this.#commitListeners) listener(info);
    return info;
  }

  /** The validator set that signs the block at `height`: the one the state after `height - 1` holds. */
  async validatorsAt(height: number): Promise<Validator[]> {
    const before = height - 1;
    if (before === this.head.header.height) return this.validators();
    const entry = this.blocks.getHeader(before);
    if (!entry) throw new RangeError(`no block at height ${before}`);
    const bytes = await this.state.getAt(hexToBytes(entry.header.stateRoot), stateKeys.validators());
    return readValidators({ get: () => bytes });
  }

  #evidenceContext(height: number, params: ChainParams) {
    return {
      chainId: this.chainId,
      height,
      maxAgeBlocks: params.evidenceMaxAgeBlocks,
      state: this.state,
      validatorsAt: (h: number) => this.validatorsAt(h),
    };
  }

  /** The evidence a proposal may carry: consensus's pool can offer some that expired or was included. */
  async #includableEvidence(
    offered: readonly Evidence[],
    height: number,
    params: ChainParams,
  ): Promise<CheckedEvidence[]> {
    let ok: CheckedEvidence[] = [];
    for (const ev of offered) {
      try {
        ok = await checkEvidence([...ok.map((c) => c.evidence), ev], this.#evidenceContext(height, params));
      } catch {
        // left out; consensus drops it from its pool once it expires
      }
    }
    return ok;
  }

  #blockEnv(height: number, time: number, baseFee: bigint, params: ChainParams): BlockEnv {
    return {
      block: { chainId: this.chainId, height, time, params },
      baseFee,
      modules: this.modules,
      gasLimit: params.blockGasLimit,
    };
  }

  /**
   * A block's transactions and then its end-of-block step, on an overlay of the head state: the one
   * path of both the proposer (build) and every validator (verify), so both reach the same state.
   */
  #execute(
    env: BlockEnv,
    txs: readonly SenderTx[],
    mode: 'build' | 'verify',
    end: Pick<BlockEnd, 'lastCommit' | 'evidence' | 'parentHash'>,
    maxTxBytes?: number,
  ): EndedBlock {
    const execution = executeBlock(this.state, env, txs, mode, maxTxBytes);
    const events = endBlock(execution.state, env.block, {
      ...end,
      baseFees: execution.baseFees,
      tips: execution.tips,
    });
    return { ...execution, events };
  }

  /**
   * Starts decoding a downloaded block's transactions and recovering their senders (on the recovery
   * workers, in their bulk lane: on every core) before the block's turn, so that block sync overlaps recovering the next blocks with
   * executing this one. Checks nothing and trusts nothing: processProposal uses the senders recovered
   * here exactly as if it had recovered them itself, and still checks everything else. Entries are
   * held weakly by the transaction bytes, so a block that never comes up leaves nothing behind.
   */
  prefetchSenders(block: Block): void {
    for (const raw of block.txs) {
      if (this.#prefetched.has(raw)) continue;
      let tx: SignedTx;
      try {
        tx = decodeTx(raw);
      } catch {
        continue; // processProposal decodes it again and names the error
      }
      this.#prefetched.set(raw, this.#recoverItem(tx, 'bulk'));
    }
  }

  /** A transaction with its sender, or why no sender recovers (a value, never a rejection). */
  #recoverItem(tx: SignedTx, lane: RecoveryLane = 'admit'): Promise<SenderTx | Error> {
    return this.#recovery.recover(tx, lane).then(
      (sender) => ({ tx, sender }),
      (err: Error) => err,
    );
  }

  /**
   * A block's transactions with their senders, reusing those a prefetch or the mempool already
   * recovered. The mempool's are looked up by hash, which is keccak256 of the signed bytes, so only
   * the very bytes the pool admitted match (a changed signature is another hash, and is decoded and
   * recovered here like any transaction the pool does not have).
   */
  async #decodeBlockTxs(block: Block, fail: (why: string) => never): Promise<SenderTx[]> {
    const pending = block.txs.map((raw, i): SenderTx | Promise<SenderTx | Error> => {
      const ahead = this.#prefetched.get(raw);
      if (ahead) return ahead;
      const hash = txHash(raw);
      const pooled = this.mempool.get(hash);
      if (pooled) return pooled;
      let tx: SignedTx;
      try {
        tx = decodeTx(raw, hash);
      } catch (err) {
        return fail(`transaction #${i}: ${(err as Error).message}`);
      }
      return this.#recoverItem(tx);
    });
    const items = await Promise.all(pending);
    return items.map((item, i) =>
      item instanceof Error ? fail(`transaction #${i}: ${item.message}`) : item,
    );
  }

  #remember(
    block: Block,
    execution: EndedBlock,
    stateCommit: PreparedStateCommit,
    alsoTouched: Address[] = [],
  ): void {
    const hash = blockHash(block.header);
    const touched: Address[] = [...alsoTouched];
    for (const { key } of stateCommit.changes) {
      if (key[0] === StateSpace.account && key.length === 21) touched.push(addressFromBytes(key.subarray(1)));
    }
    this.#executed.set(hash, {
      block,
      hash,
      txHashes: execution.included.map((i) => i.tx.hash),
      receipts: execution.receipts,
      events: execution.events,
      stateCommit,
      touched,
    });
  }
}

export type { SignedTx };
