// The consensus engine: the I/O shell around the Tendermint rules (machine.ts). One event loop
// consumes peer proposals, peer votes, committed blocks from sync, timeouts and its own ticks strictly
// in order from a queue (CometBFT consensus/state.go receiveRoutine is the model). Application calls
// are awaited inside the loop, so inputs arriving meanwhile wait their turn. Network inputs are
// checked synchronously before queueing (height window, membership, signature) and answered with a
// Verdict the p2p layer maps to gossipsub ACCEPT / IGNORE / REJECT.
//
// Before an input is acted on it is appended to the WAL; before an own message leaves, it is signed
// through the double-sign guard and fsynced to the WAL. On start the WAL records of the current height
// are replayed through the same code (see ownMessages.ts), then the engine runs live.
//
// Gossip delivers a message once; CometBFT's reactor re-gossips by peer round state. In its place:
// re-proposals carry their proof-of-lock prevotes, a round that does not move re-sends our messages,
// and messages from higher heights lead to a catch-up request (docs/consensus.md, "Liveness").
import type { Logger } from 'pino';
import type { Address } from '../core/address.ts';
import { type Block, blockHash, encodeBlock } from '../core/block.ts';
import { bytesToHex, type Hex } from '../core/bytes.ts';
import { ed25519Verify } from '../core/ed25519.ts';
import { type Evidence, verifyDuplicateVote } from '../core/evidence.ts';
import { validatorsHash } from '../core/validator.ts';
import {
  type Commit,
  encodeVote,
  PRECOMMIT,
  PREVOTE,
  type Vote,
  VoteError,
  verifyCommit,
  verifyVoteSignature,
  voteSignBytes,
} from '../core/vote.ts';
import { type AheadMessage, aheadSignature } from './aheadSignature.ts';
import { BlockBudget } from './blockBudget.ts';
import { type ConsensusConfig, resolveConsensusConfig, timeoutDuration } from './config.ts';
import { isTransientIoError } from './durableFile.ts';
import { ConsensusError } from './errors.ts';
import { EvidencePool } from './evidencePool.ts';
import { blockProblem, type LastHeight, lastHeightFromCommit } from './lastHeight.ts';
import { type Action, HeightMachine, type Step, type TimeoutInfo, type Validity } from './machine.ts';
import { type EarlyMessage, NextHeightBuffer } from './nextHeightBuffer.ts';
import { OwnMessages } from './ownMessages.ts';
import { DoubleSignError, SignStep } from './privval.ts';
import { type Proposal, type ProposalHeader, proposalSignBytes } from './proposal.ts';
import {
  newProposerState,
  nextHeightProposerState,
  ProposerSchedule,
  type ProposerState,
} from './proposer.ts';
import { ConsensusStateStore } from './stateStore.ts';
import { systemTimers, Ticker, type Timers } from './ticker.ts';
import {
  ACCEPT,
  type Clock,
  type ConsensusApp,
  type ConsensusNetwork,
  type ConsensusSigner,
  type ConsensusStore,
  ignore,
  type PeerId,
  reject,
  systemClock,
  type Verdict,
} from './types.ts';
import { ValidatorSet } from './validatorSet.ts';
import { type BlockKey, blockKey, type VoteSet, verifyVote } from './voteSet.ts';
import type { Wal } from './wal.ts';
import { type WalEntry, walEntryHeight } from './walCodec.ts';

export interface ConsensusEngineOptions {
  readonly app: ConsensusApp;
  readonly network: ConsensusNetwork;
  readonly store: ConsensusStore;
  /** The opened WAL (Wal.open(path)); the engine replays it on start and closes it on stop. */
  readonly wal: Wal;
  /** This node's validator signer (PrivValidator); without one the engine follows and commits only. */
  readonly signer?: ConsensusSigner;
  readonly config?: Partial<ConsensusConfig>;
  readonly clock?: Clock;
  readonly timers?: Timers;
  readonly logger: Logger;
  /** Called once if the engine stops on an unrecoverable error. */
  readonly onHalt?: (err: Error) => void;
}

export interface ConsensusStatus {
  readonly height: number;
  readonly round: number;
  readonly step: Step;
  readonly proposer: Address;
  readonly lockedRound: number;
  readonly validRound: number;
  readonly waitingForTxs: boolean;
  readonly pendingEvidence: number;
  /** Bytes of next-height messages held for when this node gets there. */
  readonly nextHeightBytes: number;
}

/**
 * 'txs': the mempool announced executable transactions; 'emptyBlock': round 0 has waited
 * emptyBlocksIntervalMs for them. Both end the wait if it is still on and justified.
 */
type Tick = 'rebroadcast' | 'txs' | 'emptyBlock' | 'catchUp' | 'prebuild' | 'recheck' | 'signRetry';

/**
 * A block whose check failed locally (an application error, not a verdict on the block) is checked
 * again after RECHECK_FIRST_MS, doubling up to RECHECK_MAX_MS, for as long as the height lasts.
 */
const RECHECK_FIRST_MS = 100;
const RECHECK_MAX_MS = 5_000;

/**
 * When the double-sign guard or the WAL cannot persist an own message for a transient reason
 * (descriptors or disk space exhausted), nothing is sent and the message is tried again after
 * SIGN_RETRY_FIRST_MS, doubling up to SIGN_RETRY_MAX_MS, while its round lasts.
 */
const SIGN_RETRY_FIRST_MS = 100;
const SIGN_RETRY_MAX_MS = 5_000;

function isWalTransient(err: unknown): boolean {
  return err instanceof ConsensusError && err.code === 'WAL_WRITE_TRANSIENT';
}

type OwnAction = Extract<Action, { kind: 'vote' | 'propose' }>;

/**
 * The round-0 proposer of a height builds its block ahead of the round, during timeoutCommit, so
 * that the proposal leaves when the round starts instead of a build time later: under load a build
 * takes long enough that the other validators' timeoutPropose (counted from their own round start)
 * would run out first and they would prevote nil. It starts PREBUILD_LEAD times the recent block
 * time before the round; builds shorter than PREBUILD_MIN_MS are not worth it (the transactions
 * arriving meanwhile would only wait a block longer). The recent time is that of the blocks this node
 * built or processed: it builds only every few heights, but processes every proposal. A validator
 * that alone has +2/3 of the power (a single-validator chain) builds at the round start: no other
 * validator's timeout can fail its round, and a block built ahead would leave out what arrives meanwhile.
 */
const PREBUILD_LEAD = 1.5;
const PREBUILD_MIN_MS = 25;

/**
 * timeoutPropose is stretched by this many times the recent block time (when that is at least
 * PREBUILD_MIN_MS). The proposal of a round reaches a validator after the proposer's build (unless
 * prebuilt), its transfer, and the difference between the two nodes' round starts, which is the
 * difference between their commit times, i.e. between how long each took to process the previous
 * block; all grow with the time a block takes. On an idle loopback devnet blocks take a few ms and
 * the configured timeout stands; under load a fixed timeout would let every round 0 fail.
 */
const PROPOSE_SLACK = 2;

type Event =
  | {
      readonly kind: 'proposal';
      readonly proposal: Proposal;
      readonly hash: Hex;
      readonly peer: PeerId;
      /** Local clock when it arrived, before it waited in the queue (for timeliness). */
      readonly receivedAt: number;
      /** The gossip verdict, given once the block was checked (see onProposal). */
      readonly verdict?: (v: Verdict) => void;
    }
  | { readonly kind: 'vote'; readonly vote: Vote; readonly peer: PeerId }
  | { readonly kind: 'timeout'; readonly timeout: TimeoutInfo }
  | {
      readonly kind: 'committed';
      readonly block: Block;
      readonly commit: Commit;
      readonly verified: boolean;
      /** Completion for applyBlock callers. */
      readonly settle?: { resolve(): void; reject(err: Error): void };
    }
  | { readonly kind: 'tick'; readonly tick: Tick };

const VALID = 'valid';
type BlockCheck = typeof VALID | { readonly why: string; readonly objective: boolean };

/** What a check means for valid(v): a local failure is no verdict on the block. */
function validityOf(check: BlockCheck): Validity {
  return check === VALID ? true : check.objective ? false : null;
}

type ReplayedEntry = Extract<WalEntry, { kind: 'proposal' | 'vote' | 'timeout' }>;

function entryEvent(entry: ReplayedEntry): Event {
  switch (entry.kind) {
    case 'proposal':
      return {
        kind: 'proposal',
        proposal: entry.proposal,
        hash: blockHash(entry.proposal.block.header),
        peer: 'wal',
        receivedAt: Number.NaN, // not logged: the replay's clock is used
      };
    case 'vote':
      return { kind: 'vote', vote: entry.vote, peer: 'wal' };
    case 'timeout':
      return { kind: 'timeout', timeout: entry.timeout };
  }
}

export class ConsensusEngine {
  readonly #app: ConsensusApp;
  readonly #net: ConsensusNetwork;
  readonly #wal: Wal;
  readonly #signer: ConsensusSigner | undefined;
  readonly #cfg: ConsensusConfig;
  readonly #clock: Clock;
  readonly #ticker: Ticker;
  readonly #log: Logger;
  readonly #states: ConsensusStateStore;
  readonly #evidence: EvidencePool;
  readonly #onHalt: ((err: Error) => void) | undefined;
  readonly #chainId: bigint;
  #state: 'new' | 'starting' | 'running' | 'stopped' | 'halted' = 'new';
  #starting: Promise<void> | undefined;
  #machine!: HeightMachine;
  #proposerState!: ProposerState;
  #own!: OwnMessages;
  #last: LastHeight | null = null;
  readonly #queue: Event[] = [];
  /** Peer proposals and votes in the queue (bounded: maxQueuedPeerInputs), and proposals per round. */
  #queuedPeerInputs = 0;
  readonly #queuedProposals = new Map<string, number>();
  #loop: Promise<void> | null = null;
  readonly #nextHeight: NextHeightBuffer;
  /** The proposer schedule of the next height if its validator set is this height's (see #nextProposers). */
  #nextSchedule: { readonly height: number; readonly schedule: ProposerSchedule } | undefined;
  /** The highest height seen in peer messages, for catch-up. */
  #aheadHeight = 0;
  #rebroadcastMark = '';
  /** The delay to the next re-send check: rebroadcastMs, doubling while nothing moves (see 'rebroadcast'). */
  #rebroadcastDelay = 0;
  /** A block built ahead of round 0 of `height` (see PREBUILD_LEAD). */
  #prebuilt: { readonly height: number; readonly block: Block } | undefined;
  /** The height a scheduled prebuild is for. */
  #prebuildHeight = 0;
  /** When round 0 of `height` began waiting for transactions (createEmptyBlocks off). */
  #idleSince: { readonly height: number; readonly at: number } | undefined;
  /** Recent time to build or process a block, ms (moving average): what a build is expected to take. */
  #blockMs = 0;
  /** The size of the blocks this node proposes, from the recent time per transaction. */
  readonly #budget = new BlockBudget();
  /**
   * Precommit power per round and block of the current height, counted as votes arrive (before the
   * loop gets to them), and the clock time at which one block had +2/3: the next height's
   * timeoutCommit counts from then, not from our own commit (see #enterHeight).
   */
  readonly #arrivingPrecommits = new Map<string, bigint>();
  readonly #arrivedFrom = new Set<string>();
  #quorumAt: number | undefined;
  /** When round 0 of `height` entered its propose step: its block's start (see #roundZeroDue). */
  #blockStart: { readonly height: number; readonly at: number } | undefined;
  /** When the last decided block had +2/3 precommits, and when round 0 of the height after it is due. */
  #decidedQuorumAt = 0;
  #roundZeroAt = 0;
  /** Verdicts on blocks of the height being replayed, from the WAL (see #replay). */
  #replayVerdicts = new Map<BlockKey, boolean>();
  /** The delay before the next re-check of locally failed block checks (see RECHECK_FIRST_MS). */
  #recheckMs = RECHECK_FIRST_MS;
  /** Own messages not signed because the guard's write failed transiently, to try again. */
  #unsigned: { readonly height: number; readonly action: OwnAction }[] = [];
  #signRetryMs = SIGN_RETRY_FIRST_MS;

  constructor(opts: ConsensusEngineOptions) {
    this.#app = opts.app;
    this.#net = opts.network;
    this.#wal = opts.wal;
    this.#signer = opts.signer;
    this.#cfg = resolveConsensusConfig(opts.config);
    this.#clock = opts.clock ?? systemClock;
    this.#ticker = new Ticker(opts.timers ?? systemTimers);
    this.#log = opts.logger;
    this.#states = new ConsensusStateStore(opts.store);
    this.#evidence = new EvidencePool(
      this.#cfg.evidenceMaxAgeBlocks,
      this.#cfg.evidenceMaxPending,
      this.#cfg.evidenceMaxPerValidator,
    );
    this.#onHalt = opts.onHalt;
    this.#chainId = opts.app.chainId;
    this.#nextHeight = new NextHeightBuffer({
      maxMessages: this.#cfg.nextHeightBufferSize,
      maxBytes: this.#cfg.nextHeightBufferBytes,
      maxBytesPerPeer: this.#cfg.nextHeightBufferBytesPerPeer,
    });
  }

  // --- lifecycle -------------------------------------------------------------------------------

  /** Loads the height after the application's head, replays the WAL, then starts the loop. */
  start(): Promise<void> {
    if (this.#state !== 'new')
      throw new ConsensusError('ENGINE_STATE', `cannot start a ${this.#state} engine`);
    this.#state = 'starting';
    this.#starting = this.#start();
    return this.#starting;
  }

  async #start(): Promise<void> {
    try {
      const records = this.#wal.takeRecovered();
      const appHeight = this.#app.head.header.height;
      const lastCommitted = await this.#states.lastCommitted();
      if (lastCommitted !== undefined && lastCommitted > appHeight) {
        throw new ConsensusError(
          'APP_BEHIND',
          `consensus committed height ${lastCommitted} but the application is at ${appHeight}; its database was rolled back or replaced`,
        );
      }
      this.#last = appHeight === 0 ? null : await this.#loadLastHeight(appHeight);
      this.#enterHeight(appHeight + 1, await this.#loadProposerState(appHeight + 1));
      await this.#replay(records);
    } catch (err) {
      this.#state = 'halted';
      this.#ticker.cancelAll();
      this.#wal.close();
      throw err;
    }
    if (this.#state !== 'starting') return; // stopped meanwhile
    this.#state = 'running';
    // While round 0 waits for transactions nothing is polled: the mempool says when they come. The
    // callback runs inside the mempool's admission, so it only queues a tick (one per burst).
    this.#app.mempool.onTxsAvailable(() => {
      if (this.#state === 'running' && this.#machine.waitingForTxs) this.#scheduleTick('txs', 0);
    });
    this.#rebroadcastOwn();
    this.#rebroadcastDelay = this.#cfg.rebroadcastMs;
    this.#scheduleTick('rebroadcast', this.#rebroadcastDelay);
    this.#log.info({ height: this.#machine.height, validator: this.#machine.self }, 'consensus started');
    this.#pump();
  }

  /** Stops after the input being processed; the WAL is closed. */
  async stop(): Promise<void> {
    if (this.#state === 'stopped' || this.#state === 'halted') return;
    const starting = this.#state === 'starting' ? this.#starting : undefined;
    this.#state = 'stopped';
    await starting?.catch(() => {});
    this.#ticker.cancelAll();
    await this.idle();
    this.#dropQueue(new ConsensusError('ENGINE_STATE', 'the engine stopped'));
    this.#wal.close();
  }

  /** Resolves once the input queue is empty and nothing is being processed. */
  async idle(): Promise<void> {
    while (this.#loop) await this.#loop;
  }

  get busy(): boolean {
    return this.#loop !== null || (this.#state === 'running' && this.#queue.length > 0);
  }

  get running(): boolean {
    return this.#state === 'running';
  }

  status(): ConsensusStatus {
    if (this.#state === 'new') throw new ConsensusError('ENGINE_STATE', 'the engine has not started');
    const m = this.#machine;
    return {
      height: m.height,
      round: m.round,
      step: m.step,
      proposer: m.proposer(m.round),
      lockedRound: m.lockedRound,
      validRound: m.validRound,
      waitingForTxs: m.waitingForTxs,
      pendingEvidence: this.#evidence.size,
      nextHeightBytes: this.#nextHeight.bytes,
    };
  }

  // --- network inputs ----------------------------------------------------------------------------

  /**
   * A proposal that passes the checks here is queued, and its verdict waits for the loop to check
   * the block: ACCEPT if it is valid, REJECT if it is invalid for every node at this height (wrong
   * parent or roots, an invalid transaction, a bad last commit). Gossipsub relays a message only
   * after ACCEPT, so honest nodes never pass an invalid block on, and whoever sends one is penalised.
   */
  onProposal(proposal: Proposal, peer: PeerId): Verdict | Promise<Verdict> {
    return this.#onProposal(proposal, peer, this.#clock.now());
  }

  /**
   * The signed fields of a proposal whose block is announced by hash (too large to gossip inline):
   * what can be judged before the block is fetched. Returns the verdict to give without fetching it
   * (a forged signature is rejected), or undefined if the block is worth fetching; it then comes to
   * onProposal, which checks everything again.
   */
  checkProposalHeader(header: ProposalHeader, hash: Hex): Verdict | undefined {
    const early = this.#precheckProposal(header);
    if (early) return early;
    const m = this.#machine;
    if (header.height === m.height + 1) {
      if (header.round > 1)
        return ignore('ROUND_OUT_OF_WINDOW', `next-height proposal for round ${header.round}`);
      // Signed by the next proposer if the validator set stays; otherwise it cannot be told yet.
      const proposer = m.validators.get(this.#nextProposers().proposer(header.round))!;
      const bytes = proposalSignBytes(this.#chainId, header.height, header.round, header.polRound, hash);
      if (!ed25519Verify(header.signature, bytes, proposer.pubKey)) {
        return ignore(
          'UNKNOWN_VALIDATORS',
          `not signed by the proposer of height ${header.height} under this set`,
        );
      }
      return undefined;
    }
    // Beyond the next height the proposer is not known without the block: judged when it comes inline.
    if (header.height > m.height)
      return ignore('FUTURE_HEIGHT', `announced proposal for height ${header.height}`);
    return this.#checkCurrentProposal(header, hash);
  }

  /** Checks that need neither the block nor the height's validator set. */
  #precheckProposal(p: ProposalHeader): Verdict | undefined {
    if (this.#state !== 'running') return ignore('NOT_RUNNING', `engine is ${this.#state}`);
    if (p.height < this.#machine.height) return ignore('OLD_HEIGHT', `proposal for height ${p.height}`);
    if (p.polRound < -1 || p.polRound >= p.round) {
      return reject('INVALID_POL_ROUND', `polRound ${p.polRound} in round ${p.round}`);
    }
    return undefined;
  }

  /** A proposal of the current height: round window, room, and the round proposer's signature. */
  #checkCurrentProposal(p: ProposalHeader, hash: Hex): Verdict | undefined {
    const m = this.#machine;
    if (p.round > m.round + 1) {
      return ignore('ROUND_OUT_OF_WINDOW', `proposal for round ${p.round}, at round ${m.round}`);
    }
    if (m.hasProposal(p.round, hash)) return ignore('DUPLICATE', 'proposal already received');
    const queued = this.#queuedProposals.get(`${p.height}/${p.round}`) ?? 0;
    if (m.proposalCount(p.round) + queued >= 2)
      return ignore('TOO_MANY_PROPOSALS', `round ${p.round} has two`);
    if (this.#peerQueueFull()) return ignore('BUSY', 'the consensus input queue is full');
    const proposer = m.validators.get(m.proposer(p.round))!;
    const bytes = proposalSignBytes(this.#chainId, p.height, p.round, p.polRound, hash);
    if (!ed25519Verify(p.signature, bytes, proposer.pubKey)) {
      return reject(
        'BAD_SIGNATURE',
        `proposal not signed by ${proposer.address}, the proposer of round ${p.round}`,
      );
    }
    return undefined;
  }

  #onProposal(proposal: Proposal, peer: PeerId, receivedAt: number): Verdict | Promise<Verdict> {
    const early = this.#precheckProposal(proposal);
    if (early) return early;
    const m = this.#machine;
    if (proposal.block.header.height !== proposal.height) {
      return reject(
        'MALFORMED',
        `block of height ${proposal.block.header.height} proposed for ${proposal.height}`,
      );
    }
    if (proposal.height === m.height + 1) return this.#nextHeightProposal(proposal, peer, receivedAt);
    if (proposal.height > m.height) return this.#farAhead({ kind: 'proposal', proposal }, proposal.height);
    const hash = blockHash(proposal.block.header);
    const verdict = this.#checkCurrentProposal(proposal, hash);
    if (verdict) return verdict;
    return new Promise((resolve) =>
      this.#enqueue({ kind: 'proposal', proposal, hash, peer, receivedAt, verdict: resolve }),
    );
  }

  onVote(vote: Vote, peer: PeerId): Verdict {
    if (this.#state !== 'running') return ignore('NOT_RUNNING', `engine is ${this.#state}`);
    const m = this.#machine;
    if (vote.height === m.height + 1) return this.#nextHeightVote(vote, peer);
    if (vote.height > m.height) return this.#farAhead({ kind: 'vote', vote }, vote.height);
    let set: { has(v: Vote): boolean; isExcess(v: Vote): boolean; verify(v: Vote): void };
    if (vote.height === m.height) {
      if (!m.votes.inWindow(vote)) {
        return ignore('ROUND_OUT_OF_WINDOW', `${vote.validator} already opened its future rounds`);
      }
      set = m.votes;
    } else {
      const last = this.#last;
      if (!last || vote.height !== last.height) return ignore('OLD_HEIGHT', `vote for height ${vote.height}`);
      if (vote.type !== PRECOMMIT || vote.round !== last.precommits.round) {
        return ignore('LATE_VOTE', 'vote of a committed height outside its commit round');
      }
      set = {
        has: (v) => last.precommits.has(v),
        isExcess: (v) => last.precommits.isExcess(v),
        verify: (v) => verifyVote(this.#chainId, v, last.validators),
      };
    }
    if (set.has(vote)) return ignore('DUPLICATE', 'vote already counted');
    // Checked before the signature: the offence is proven already, this vote adds nothing.
    if (set.isExcess(vote)) {
      return ignore('KNOWN_EQUIVOCATION', `${vote.validator} already has evidence for this step`);
    }
    if (this.#peerQueueFull()) return ignore('BUSY', 'the consensus input queue is full');
    try {
      set.verify(vote);
    } catch (err) {
      const code =
        err instanceof VoteError && err.code === 'UNKNOWN_VALIDATOR' ? 'UNKNOWN_VALIDATOR' : 'BAD_SIGNATURE';
      return reject(code, (err as Error).message);
    }
    this.#notePrecommit(m, vote);
    this.#enqueue({ kind: 'vote', vote, peer });
    return ACCEPT;
  }

  /** Duplicate-vote evidence from a peer, checked against the validator set of its height. */
  async onEvidence(evidence: Evidence, peer: PeerId): Promise<Verdict> {
    if (this.#state !== 'running') return ignore('NOT_RUNNING', `engine is ${this.#state}`);
    const height = evidence.voteA.height;
    if (height > this.#machine.height) return ignore('FUTURE_HEIGHT', `evidence of height ${height}`);
    if (this.#evidence.isExpired(evidence, this.#machine.height)) {
      return ignore('EXPIRED_EVIDENCE', `evidence of height ${height} is too old`);
    }
    // Before verifying: one offence is one piece of evidence, however its votes are paired.
    if (this.#evidence.isKnown(evidence)) return ignore('DUPLICATE', 'evidence of this offence is known');
    const validators = await this.#validatorsAt(height);
    if (!validators) return ignore('UNKNOWN_HEIGHT', `no validator set kept for height ${height}`);
    const validator = validators.get(evidence.voteA.validator);
    if (!validator)
      return reject('UNKNOWN_VALIDATOR', `${evidence.voteA.validator} was not a validator at ${height}`);
    try {
      verifyDuplicateVote(this.#chainId, evidence, validator);
    } catch (err) {
      return reject('INVALID_EVIDENCE', (err as Error).message);
    }
    switch (this.#evidence.add(evidence, this.#machine.height)) {
      case 'added':
        this.#log.warn({ peer, validator: validator.address, height }, 'duplicate-vote evidence received');
        return ACCEPT;
      case 'known':
        return ignore('DUPLICATE', 'evidence already known');
      case 'expired':
        return ignore('EXPIRED_EVIDENCE', `evidence of height ${height} is too old`);
      case 'full':
        return ignore('EVIDENCE_POOL_FULL', 'evidence pool is full');
      case 'offenderLimit':
        return ignore('EVIDENCE_LIMIT', `${validator.address} already has the most pending evidence allowed`);
    }
  }

  /**
   * A block and its commit delivered after requestCatchUp, for the height this node is at (or, queued
   * in order, a later one). Committing through the engine keeps its proposer state and WAL in step.
   */
  onCommittedBlock(block: Block, commit: Commit): Verdict {
    const { verdict, verified } = this.#checkSynced(block, commit);
    if (verdict.result === 'accept') this.#enqueue({ kind: 'committed', block, commit, verified });
    return verdict;
  }

  /**
   * Block sync's sink (p2p BlockSink.applyBlock): resolves once the block is committed, throws
   * ConsensusError INVALID_COMMIT if the commit does not prove this block (the peer lied). Start the
   * engine before syncing and sync through it, so that it keeps its proposer state; it does not sign
   * while blocks arrive faster than timeoutCommit.
   */
  async applyBlock(block: Block, commit: Commit): Promise<void> {
    if (this.#state !== 'running') {
      throw new ConsensusError('ENGINE_STATE', `cannot apply blocks to a ${this.#state} engine`);
    }
    const height = block.header.height;
    if (height < this.#machine.height) {
      const ours = this.#app.blocks.getCommit(height)?.blockHash.toLowerCase();
      if (ours === blockHash(block.header).toLowerCase()) return;
      throw new ConsensusError('INVALID_COMMIT', `block ${height} conflicts with the block committed here`);
    }
    const { verdict, verified } = this.#checkSynced(block, commit);
    if (verdict.result !== 'accept') throw new ConsensusError('INVALID_COMMIT', verdict.reason);
    await new Promise<void>((resolve, reject) => {
      this.#enqueue({ kind: 'committed', block, commit, verified, settle: { resolve, reject } });
    });
  }

  #checkSynced(block: Block, commit: Commit): { verdict: Verdict; verified: boolean } {
    const no = (verdict: Verdict) => ({ verdict, verified: false });
    if (this.#state !== 'running') return no(ignore('NOT_RUNNING', `engine is ${this.#state}`));
    const m = this.#machine;
    const height = block.header.height;
    if (height < m.height) return no(ignore('OLD_HEIGHT', `block ${height} is already committed`));
    if (height > m.height + this.#cfg.futureHeightWindow) {
      return no(reject('FAR_FUTURE_HEIGHT', `block ${height} while at ${m.height}`));
    }
    if (
      commit.height !== height ||
      commit.blockHash.toLowerCase() !== blockHash(block.header).toLowerCase()
    ) {
      return no(
        reject('INVALID_COMMIT', `commit is for ${commit.height}/${commit.blockHash}, not this block`),
      );
    }
    // Later heights are verified when they come up, against the validator set of their height.
    if (height > m.height) return { verdict: ACCEPT, verified: false };
    try {
      verifyCommit(this.#chainId, commit, m.validators.validators);
    } catch (err) {
      return no(reject('INVALID_COMMIT', (err as Error).message));
    }
    return { verdict: ACCEPT, verified: true };
  }

  /**
   * A proposal for the next height is kept only once its signature is checked against the proposer
   * of its round. That needs the next height's validator set, known before our commit only when it
   * is this height's: the block's header names it (validatorsHash), and a block claiming another
   * set is ignored (a set that changes is rare; the proposer re-sends a round that does not move).
   */
  #nextHeightProposal(p: Proposal, peer: PeerId, receivedAt: number): Verdict {
    const m = this.#machine;
    if (p.round > 1) return ignore('ROUND_OUT_OF_WINDOW', `next-height proposal for round ${p.round}`);
    const ours = bytesToHex(validatorsHash(m.validators.validators)).toLowerCase();
    if (p.block.header.validatorsHash.toLowerCase() !== ours) {
      return ignore('UNKNOWN_VALIDATORS', `the validator set of height ${p.height} is not known yet`);
    }
    const schedule = this.#nextProposers();
    const hash = blockHash(p.block.header);
    const key = `proposal/${p.round}/${hash.toLowerCase()}`;
    if (this.#nextHeight.has(key)) return ignore('DUPLICATE', 'proposal already kept');
    if (this.#nextHeight.proposalCount(p.round) >= 2)
      return ignore('TOO_MANY_PROPOSALS', `round ${p.round} of height ${p.height} has two`);
    const proposer = m.validators.get(schedule.proposer(p.round))!;
    const bytes = proposalSignBytes(this.#chainId, p.height, p.round, p.polRound, hash);
    if (!ed25519Verify(p.signature, bytes, proposer.pubKey)) {
      return reject(
        'BAD_SIGNATURE',
        `proposal not signed by ${proposer.address}, the proposer of height ${p.height} round ${p.round}`,
      );
    }
    const size = encodeBlock(p.block).length + p.signature.length;
    return this.#fromAhead(p.height, { kind: 'proposal', proposal: p, peer, receivedAt }, size, key);
  }

  /** A vote for the next height is kept once signed by a validator of this height (its key is fixed). */
  #nextHeightVote(vote: Vote, peer: PeerId): Verdict {
    const validator = this.#machine.validators.get(vote.validator);
    if (!validator)
      return ignore('UNKNOWN_VALIDATORS', `${vote.validator} is not a validator at this height`);
    const key = `vote/${vote.type}/${vote.round}/${vote.validator}/${vote.blockHash ?? 'nil'}`.toLowerCase();
    if (this.#nextHeight.has(key)) return ignore('DUPLICATE', 'vote already kept');
    if (!verifyVoteSignature(this.#chainId, vote, validator)) {
      return reject('BAD_SIGNATURE', `vote signature of ${vote.validator} does not verify`);
    }
    return this.#fromAhead(vote.height, { kind: 'vote', vote, peer }, encodeVote(vote).length, key);
  }

  /** The next height's proposer schedule if its validator set is this height's (cached per height). */
  #nextProposers(): ProposerSchedule {
    const m = this.#machine;
    if (this.#nextSchedule?.height !== m.height + 1) {
      this.#nextSchedule = {
        height: m.height + 1,
        schedule: new ProposerSchedule(nextHeightProposerState(this.#proposerState, m.validators.validators)),
      };
    }
    return this.#nextSchedule.schedule;
  }

  // Messages from heights ahead. The next height's are verified by their callers and kept for when
  // we get there; farther ones only once a validator we know signed them (#farAhead). Any of them
  // means peers are ahead, which starts a catch-up request unless we get there on our own first. Far
  // ones are ignored, not rejected: a node far behind (syncing) must not blame honest peers.
  #fromAhead(height: number, early?: EarlyMessage, bytes = 0, key = ''): Verdict {
    const m = this.#machine;
    if (early) this.#nextHeight.add(early, bytes, key);
    if (height > this.#aheadHeight) this.#aheadHeight = height;
    this.#scheduleTick('catchUp', this.#cfg.catchUpDelayMs);
    if (height > m.height + this.#cfg.futureHeightWindow) {
      return ignore('FAR_FUTURE_HEIGHT', `height ${height} while at ${m.height}`);
    }
    return ignore('FUTURE_HEIGHT', `height ${height} while at ${m.height}`);
  }

  /** A message for a height beyond the next: anyone can make one up, only a validator can sign one. */
  #farAhead(message: AheadMessage, height: number): Verdict {
    const signature = aheadSignature(this.#chainId, message, this.#machine.validators);
    if (signature === 'forged')
      return reject('BAD_SIGNATURE', `${message.kind} for height ${height} not signed by its signer`);
    if (signature === 'unknown')
      return ignore('UNKNOWN_VALIDATOR', `${message.kind} for height ${height} by a signer we do not know`);
    return this.#fromAhead(height);
  }

  // --- the loop ----------------------------------------------------------------------------------

  #enqueue(event: Event): void {
    this.#count(event, 1);
    this.#queue.push(event);
    this.#pump();
  }

  /**
   * Peer input waits in the queue while the loop is busy (a block being processed); beyond the bound
   * it is ignored (gossip does not relay it, and a peer re-sends what matters). Own messages,
   * timeouts and ticks are never dropped.
   */
  #peerQueueFull(): boolean {
    return this.#queuedPeerInputs >= this.#cfg.maxQueuedPeerInputs;
  }

  #count(event: Event, delta: 1 | -1): void {
    if (event.kind !== 'proposal' && event.kind !== 'vote') return;
    this.#queuedPeerInputs += delta;
    if (event.kind !== 'proposal') return;
    const key = `${event.proposal.height}/${event.proposal.round}`;
    const n = (this.#queuedProposals.get(key) ?? 0) + delta;
    if (n > 0) this.#queuedProposals.set(key, n);
    else this.#queuedProposals.delete(key);
  }

  #pump(): void {
    if (this.#loop || this.#state !== 'running' || this.#queue.length === 0) return;
    this.#loop = (async () => {
      while (this.#queue.length > 0 && this.#state === 'running') {
        const event = this.#queue.shift()!;
        this.#count(event, -1);
        try {
          await this.#handle(event, false);
          if (this.#machine.waitingForTxs) this.#waitForTxs(this.#machine);
          if (this.#rebroadcastDelay > this.#cfg.rebroadcastMs) this.#rebroadcastSoonIfMoved();
        } catch (err) {
          if (event.kind === 'proposal') event.verdict?.(ignore('NOT_RUNNING', (err as Error).message));
          this.#halt(err as Error);
        }
      }
    })().finally(() => {
      this.#loop = null;
      this.#pump();
    });
  }

  #halt(err: Error): void {
    if (this.#state === 'halted') return;
    this.#state = 'halted';
    this.#ticker.cancelAll();
    this.#dropQueue(err);
    this.#wal.close();
    this.#log.fatal({ err, height: this.#machine?.height }, 'consensus halted');
    this.#onHalt?.(err);
  }

  /** Inputs left when the engine stops; applyBlock callers learn that theirs were not applied. */
  #dropQueue(err: Error): void {
    for (const event of this.#queue.splice(0)) {
      this.#count(event, -1);
      if (event.kind === 'committed') event.settle?.reject(err);
      if (event.kind === 'proposal') event.verdict?.(ignore('NOT_RUNNING', err.message));
    }
  }

  async #handle(event: Event, replay: boolean): Promise<void> {
    switch (event.kind) {
      case 'proposal':
        return this.#handleProposal(event, replay);
      case 'vote':
        return this.#handleVote(event.vote, replay);
      case 'timeout':
        return this.#handleTimeout(event.timeout, replay);
      case 'committed':
        return this.#handleCommitted(event);
      case 'tick':
        return this.#handleTick(event.tick);
    }
  }

  async #handleProposal(event: Extract<Event, { kind: 'proposal' }>, replay: boolean): Promise<void> {
    const { proposal, hash } = event;
    const verdict = event.verdict ?? (() => {});
    const m = this.#machine;
    if (proposal.height !== m.height || m.decision) {
      return verdict(
        ignore('OLD_HEIGHT', `proposal for height ${proposal.height} came after it was decided`),
      );
    }
    if (m.hasProposal(proposal.round, hash)) return verdict(ignore('DUPLICATE', 'proposal already received'));
    if (m.proposalCount(proposal.round) >= 2)
      return verdict(ignore('TOO_MANY_PROPOSALS', `round ${proposal.round} has two`));
    if (!replay && !this.#logInput({ kind: 'proposal', proposal }))
      return verdict(ignore('WAL_UNAVAILABLE', 'the consensus WAL cannot be written for now'));
    const known = m.block(hash) !== undefined;
    const queuedMs = replay ? 0 : this.#clock.now() - event.receivedAt;
    const started = performance.now();
    const check = await this.#checkBlock(m, proposal.block, hash, replay);
    const valid = check === VALID;
    const ms = performance.now() - started;
    if (!known && valid) this.#timedBlock(ms, proposal.block.txs.length);
    verdict(
      valid
        ? ACCEPT
        : check.objective
          ? reject('INVALID_BLOCK', check.why)
          : ignore('UNCHECKED_BLOCK', check.why),
    );
    this.#log.debug(
      {
        height: m.height,
        round: proposal.round,
        txs: proposal.block.txs.length,
        valid,
        ms: Math.round(ms),
        queuedMs,
      },
      'proposal processed',
    );
    const timely = this.#timely(proposal, replay ? this.#clock.now() : event.receivedAt);
    await this.#perform(m, m.onProposal({ proposal, hash, valid: validityOf(check), timely }));
    if (validityOf(check) === null) this.#scheduleRecheck();
  }

  /**
   * PBTS timeliness (see ConsensusConfig.clockPrecisionMs). The lower bound holds in round 0 only:
   * a later round may re-propose, fresh, a block built rounds ago (see #propose), which after a
   * long stall (a partition) no message delay would cover; CometBFT widens the delay per round
   * instead. Every round 0 with a correct proposer moves chain time up to the clocks again.
   */
  #timely(proposal: Proposal, receivedAt: number): boolean {
    const { clockPrecisionMs: precision, messageDelayMs: delay } = this.#cfg;
    const time = proposal.block.header.time;
    if (time > receivedAt + precision) return false;
    return proposal.round > 0 || time >= receivedAt - precision - delay;
  }

  async #handleVote(vote: Vote, replay: boolean): Promise<void> {
    const m = this.#machine;
    if (vote.height === m.height) {
      // Dropped before the WAL: a duplicate, a further equivocation, or a round that another vote of
      // the same validator queued meanwhile took out of its window.
      if (m.votes.has(vote) || m.votes.isExcess(vote) || !m.votes.inWindow(vote)) return;
      if (!replay && !this.#logInput({ kind: 'vote', vote })) return;
      await this.#perform(m, m.onVote(vote, true).actions);
      return;
    }
    const last = this.#last;
    if (
      last &&
      vote.height === last.height &&
      vote.type === PRECOMMIT &&
      vote.round === last.precommits.round
    ) {
      const result = last.precommits.add(vote, true);
      if (result.status === 'conflict') this.#addLocalEvidence(result.evidence);
      this.#onLatePrecommit();
    }
  }

  async #handleTimeout(timeout: TimeoutInfo, replay: boolean): Promise<void> {
    const m = this.#machine;
    if (!m.isTimeoutRelevant(timeout)) return;
    if (!replay && !this.#logInput({ kind: 'timeout', timeout })) {
      // Nobody re-sends a timeout: armed again, so that the round moves once the WAL takes it.
      this.#scheduleTimeout(timeout);
      return;
    }
    this.#log.debug(timeout, 'timeout');
    await this.#perform(m, m.onTimeout(timeout));
  }

  async #handleCommitted(event: Extract<Event, { kind: 'committed' }>): Promise<void> {
    let refused: ConsensusError | undefined;
    try {
      refused = await this.#commitSynced(event);
    } catch (err) {
      event.settle?.reject(err as Error);
      throw err;
    }
    if (!refused) {
      event.settle?.resolve();
      return;
    }
    this.#log.warn({ err: refused, height: event.block.header.height }, 'synced block refused');
    event.settle?.reject(refused);
  }

  /** Commits a synced block; returns why it was refused, or throws if this node cannot go on. */
  async #commitSynced({
    block,
    commit,
    verified,
  }: Extract<Event, { kind: 'committed' }>): Promise<ConsensusError | undefined> {
    const m = this.#machine;
    const height = block.header.height;
    if (height < m.height) {
      // Consensus decided it while this was queued.
      const ours = this.#app.blocks.getCommit(height)?.blockHash.toLowerCase();
      if (ours === commit.blockHash.toLowerCase()) return undefined;
      return new ConsensusError('INVALID_COMMIT', `block ${height} conflicts with the block committed here`);
    }
    if (height > m.height) {
      return new ConsensusError(
        'ENGINE_STATE',
        `block ${height} arrived before block ${m.height}; apply blocks in order`,
      );
    }
    if (!verified) {
      try {
        verifyCommit(this.#chainId, commit, m.validators.validators);
      } catch (err) {
        return new ConsensusError('INVALID_COMMIT', `commit of block ${height}: ${(err as Error).message}`);
      }
    }
    const check = await this.#checkBlock(m, block, commit.blockHash, false);
    if (check !== VALID && !check.objective) {
      return new ConsensusError(
        'BLOCK_NOT_CHECKED',
        `block ${height} could not be checked here (${check.why}); try again later`,
      );
    }
    if (check !== VALID) {
      throw new ConsensusError(
        'DECIDED_BLOCK_INVALID',
        `block ${m.height} ${commit.blockHash} has a valid commit but is invalid here`,
      );
    }
    this.#log.info({ height: m.height, hash: commit.blockHash }, 'committing a synced block');
    await this.#finalize(m, block, commit, null);
    return undefined;
  }

  async #handleTick(tick: Tick): Promise<void> {
    const m = this.#machine;
    switch (tick) {
      case 'txs':
      case 'emptyBlock':
        if (m.waitingForTxs && (this.#app.mempool.stats().pending > 0 || this.#emptyBlockDue(m)))
          await this.#perform(m, m.txsAvailable());
        return;
      case 'prebuild':
        if (
          this.#prebuildHeight !== m.height ||
          m.step !== 'newHeight' ||
          this.#prebuilt !== undefined ||
          this.#own.proposal(0) !== undefined ||
          (!this.#cfg.createEmptyBlocks && this.#app.mempool.stats().pending === 0)
        )
          return;
        this.#log.debug(
          { height: m.height, blockMs: Math.round(this.#blockMs) },
          'building a proposal ahead of round 0',
        );
        try {
          this.#prebuilt = { height: m.height, block: await this.#buildBlock(m, 0) };
        } catch (err) {
          this.#log.warn({ err, height: m.height }, 'could not build a proposal ahead of the round');
        }
        return;
      case 'recheck':
        return this.#recheck(m);
      case 'signRetry':
        return this.#retrySigning(m);
      case 'catchUp':
        if (this.#aheadHeight > m.height) {
          this.#log.info(
            { height: m.height, peersAt: this.#aheadHeight },
            'peers are ahead; requesting catch-up',
          );
          this.#net.requestCatchUp(m.height);
        }
        return;
      case 'rebroadcast': {
        // Gossip does not re-deliver what a peer missed (it was down, or partitioned). If nothing
        // moved for a whole interval, re-send our messages of the round so that stalled peers can
        // join it (or skip to it) again. While nothing moves (an idle chain waiting for
        // transactions, a partition) the interval doubles up to rebroadcastMaxMs: a peer that
        // comes back hears us within that, and an idle chain does not gossip every few seconds.
        const mark = this.#roundMark(m);
        if (mark === this.#rebroadcastMark) {
          this.#rebroadcastOwn();
          const cap = Math.max(this.#cfg.rebroadcastMaxMs, this.#cfg.rebroadcastMs);
          this.#rebroadcastDelay = Math.min(cap, this.#rebroadcastDelay * 2);
        } else {
          this.#rebroadcastDelay = this.#cfg.rebroadcastMs;
        }
        this.#rebroadcastMark = mark;
        this.#scheduleTick('rebroadcast', this.#rebroadcastDelay);
        return;
      }
    }
  }

  /** Carries out the machine's actions in order; own messages feed back into the machine. */
  async #perform(m: HeightMachine, actions: Action[]): Promise<void> {
    this.#noteBlockStart(m, actions);
    const queue = [...actions];
    while (queue.length > 0 && this.#machine === m) {
      const action = queue.shift()!;
      switch (action.kind) {
        case 'schedule':
          this.#scheduleTimeout(action.timeout);
          break;
        case 'vote':
          queue.push(...(await this.#castVote(m, action)));
          break;
        case 'propose':
          queue.push(...(await this.#propose(m, action)));
          break;
        case 'decide':
          await this.#finalize(m, action.block, action.commit, m.votes.precommits(action.round)!);
          return;
        case 'missingBlock':
          this.#log.warn(
            { height: m.height, ...action },
            '+2/3 precommitted a block we do not have; requesting it',
          );
          this.#net.requestCatchUp(m.height);
          break;
        case 'uncheckedDecision':
          this.#log.warn(
            { height: m.height, ...action },
            '+2/3 precommitted a block we could not check yet; checking it again',
          );
          this.#scheduleRecheck();
          break;
        case 'invalidDecision':
          throw new ConsensusError(
            'DECIDED_BLOCK_INVALID',
            `+2/3 precommitted block ${m.height} ${action.blockHash} in round ${action.round}, which this node rejects`,
          );
        case 'evidence':
          this.#addLocalEvidence(action.evidence);
          break;
      }
    }
  }

  // --- own messages ------------------------------------------------------------------------------

  async #castVote(m: HeightMachine, action: Extract<Action, { kind: 'vote' }>): Promise<Action[]> {
    let vote = this.#own.vote(action.round, action.type);
    if (vote) {
      if (vote.blockHash !== action.blockHash) {
        this.#log.warn(
          { round: action.round, type: action.type, signed: vote.blockHash, now: action.blockHash },
          'keeping the vote signed before the restart',
        );
      }
    } else {
      if (!this.#signer) return [];
      const unsigned = {
        type: action.type,
        height: m.height,
        round: action.round,
        blockHash: action.blockHash,
        validator: this.#signer.address,
      };
      const step = action.type === PREVOTE ? SignStep.prevote : SignStep.precommit;
      const signature = await this.#sign(m, action, step, voteSignBytes(this.#chainId, unsigned));
      if (!signature) return [];
      vote = { ...unsigned, signature };
      if (!(await this.#logOwn(m.height, action, { kind: 'vote', vote }))) return [];
      this.#own.addVote(vote);
      this.#net.broadcastVote(vote);
      this.#notePrecommit(m, vote);
    }
    return m.onVote(vote, true).actions;
  }

  async #propose(m: HeightMachine, action: Extract<Action, { kind: 'propose' }>): Promise<Action[]> {
    let proposal = this.#own.proposal(action.round);
    if (!proposal) {
      if (!this.#signer) return [];
      let block = action.block;
      const started = performance.now();
      const prebuilt = !block && action.round === 0 && this.#prebuilt?.height === m.height;
      if (prebuilt) block = this.#prebuilt!.block;
      this.#prebuilt = undefined;
      // No valid value, but an earlier round's proposal was valid (it failed on time, e.g. it arrived
      // after timeoutPropose): propose that block again rather than a new one. Every validator has
      // processed it already, so the round does not pay for a build and a processing again, and a
      // failed round under load does not lead to a bigger block and a slower round after it.
      const again = block ? undefined : m.validProposalBefore(action.round);
      if (again) block = again.block;
      if (!block) {
        try {
          block = await this.#buildBlock(m, action.round);
        } catch (err) {
          this.#log.error({ err, height: m.height, round: action.round }, 'could not build a proposal');
          return [];
        }
      }
      const built = performance.now();
      const hash = blockHash(block.header);
      const bytes = proposalSignBytes(this.#chainId, m.height, action.round, action.polRound, hash);
      const signature = await this.#sign(m, action, SignStep.propose, bytes);
      if (!signature) return [];
      const signed = performance.now();
      proposal = { height: m.height, round: action.round, polRound: action.polRound, block, signature };
      // Retried with the same block: the guard answers identical sign bytes with its signature.
      if (!(await this.#logOwn(m.height, { ...action, block }, { kind: 'proposal', proposal }))) return [];
      const logged = performance.now();
      this.#own.addProposal(proposal);
      this.#sendProposal(m, proposal);
      this.#log.info(
        {
          height: m.height,
          round: action.round,
          hash,
          txs: block.txs.length,
          buildMs: Math.round(built - started),
          signMs: Math.round(signed - built),
          walMs: Math.round(logged - signed),
          prebuilt,
          ...(again ? { again: true } : {}),
        },
        'proposed block',
      );
    }
    const hash = blockHash(proposal.block.header);
    if (m.hasProposal(proposal.round, hash)) return [];
    const valid = validityOf(await this.#checkBlock(m, proposal.block, hash, false));
    if (valid === null) this.#scheduleRecheck();
    return m.onProposal({ proposal, hash, valid, timely: true });
  }

  /**
   * Signs through the double-sign guard. A refusal skips this message (logged); a transient I/O
   * failure of the guard's write leaves it unsigned and tries it again later (see
   * SIGN_RETRY_FIRST_MS); anything else is fatal.
   */
  async #sign(
    m: HeightMachine,
    action: OwnAction,
    step: SignStep,
    bytes: Uint8Array,
  ): Promise<Uint8Array | undefined> {
    const { height } = m;
    const { round } = action;
    try {
      return await this.#signer!.sign(height, round, step, bytes);
    } catch (err) {
      if (isTransientIoError(err)) {
        this.#deferOwn(height, action, err, 'the signer cannot persist its state; not signing');
        return undefined;
      }
      if (!(err instanceof DoubleSignError)) throw err;
      this.#log.error({ err, height, round, step }, 'the signer refused to sign; skipping this message');
      return undefined;
    }
  }

  /** Writes an own message to the WAL, durably, before it is sent; false: deferred (see #deferOwn). */
  async #logOwn(height: number, action: OwnAction, entry: WalEntry): Promise<boolean> {
    try {
      await this.#wal.writeDurably(entry);
    } catch (err) {
      if (!isWalTransient(err)) throw err;
      this.#deferOwn(height, action, err, 'the consensus WAL cannot be written; not sending');
      return false;
    }
    this.#signRetryMs = SIGN_RETRY_FIRST_MS;
    return true;
  }

  /** An own message that could not be persisted for a transient reason: tried again later. */
  #deferOwn(height: number, action: OwnAction, err: unknown, why: string): void {
    const { round } = action;
    this.#log.warn(
      { err, height, round, kind: action.kind, retryMs: this.#signRetryMs },
      `${why}; trying again later`,
    );
    this.#unsigned.push({ height, action });
    this.#scheduleTick('signRetry', this.#signRetryMs);
  }

  /**
   * Writes a peer input, a timeout or a verdict to the WAL before it is acted on. False when the
   * WAL cannot take it for now: it is not acted on (peers re-send theirs, see `rebroadcast`).
   */
  #logInput(entry: WalEntry): boolean {
    try {
      this.#wal.write(entry);
      return true;
    } catch (err) {
      if (!isWalTransient(err)) throw err;
      this.#log.warn({ err, kind: entry.kind }, 'the consensus WAL cannot be written; input not acted on');
      return false;
    }
  }

  /** Own messages of the current round whose signing failed transiently, in their original order. */
  async #retrySigning(m: HeightMachine): Promise<void> {
    const due = this.#unsigned.splice(0).filter((u) => u.height === m.height && u.action.round === m.round);
    if (due.length === 0) return;
    this.#signRetryMs = Math.min(SIGN_RETRY_MAX_MS, this.#signRetryMs * 2);
    await this.#perform(
      m,
      due.map((u) => u.action),
    );
  }

  /**
   * A new block for `round`, of at most the transactions that fit its timeoutPropose (see
   * BlockBudget), unless this validator alone has +2/3 of the power: then no other validator's
   * timeout decides the round, and the block takes what its limits allow.
   */
  async #buildBlock(m: HeightMachine, round: number): Promise<Block> {
    const parent = this.#app.head.header;
    const proposer = m.validators.get(this.#signer!.address)!;
    const alone = this.#alone(m);
    const started = performance.now();
    const block = await this.#app.prepareProposal({
      height: m.height,
      // Strictly after the parent even if our clock is behind it.
      time: Math.max(this.#clock.now(), parent.time + 1),
      proposer,
      lastCommit: this.#last ? this.#last.precommits.makeCommit() : null,
      evidence: this.#evidence.pending(this.#cfg.evidenceMaxPerBlock),
      maxTxs: alone ? undefined : this.#budget.maxTxs(timeoutDuration(this.#cfg, 'propose', round)),
    });
    this.#timedBlock(performance.now() - started, block.txs.length);
    return block;
  }

  /** Whether this validator, a proposer of the height, alone has +2/3 of the power: no other validator's timeout decides its rounds. */
  #alone(m: HeightMachine): boolean {
    return m.validators.hasTwoThirds(m.validators.get(this.#signer!.address)!.power);
  }

  /** Builds and processing of peers' proposals alike: each node builds only every few heights. */
  #timedBlock(ms: number, txs: number): void {
    this.#blockMs = this.#blockMs === 0 ? ms : (this.#blockMs + ms) / 2;
    this.#budget.record(txs, ms);
  }

  /**
   * A re-proposal is only prevoted by peers that have its proof-of-lock, and gossip does not re-send
   * votes a peer missed (CometBFT's reactor sends the POL prevotes along): so we send them with it.
   */
  #sendProposal(m: HeightMachine, proposal: Proposal): void {
    this.#net.broadcastProposal(proposal);
    if (proposal.polRound < 0) return;
    const hash = blockHash(proposal.block.header);
    for (const vote of m.votes.prevotes(proposal.polRound)?.votesFor(hash) ?? [])
      this.#net.broadcastVote(vote);
  }

  #roundMark(m: HeightMachine): string {
    return `${m.height}/${m.round}/${m.step}`;
  }

  /** After a backed-off wait the round moved: the next check comes rebroadcastMs from now again. */
  #rebroadcastSoonIfMoved(): void {
    if (this.#roundMark(this.#machine) === this.#rebroadcastMark) return;
    this.#rebroadcastDelay = this.#cfg.rebroadcastMs;
    this.#ticker.cancel('tick/rebroadcast');
    this.#scheduleTick('rebroadcast', this.#rebroadcastDelay);
  }

  #rebroadcastOwn(): void {
    const m = this.#machine;
    const { proposal, votes } = this.#own.ofRound(m.round);
    if (proposal) this.#sendProposal(m, proposal);
    for (const vote of votes) this.#net.broadcastVote(vote);
    // Between heights, our precommit for the last block helps a peer still deciding it.
    if ((m.step === 'newHeight' || m.waitingForTxs) && this.#signer && this.#last) {
      const precommit = this.#last.precommits.voteOf(this.#signer.address);
      if (precommit) this.#net.broadcastVote(precommit);
    }
  }

  #addLocalEvidence(evidence: Evidence): void {
    if (this.#evidence.add(evidence, this.#machine.height) !== 'added') return;
    const { validator, height, round, type } = evidence.voteA;
    this.#log.warn(
      { validator, height, round, type },
      'validator signed conflicting votes; broadcasting evidence',
    );
    this.#net.broadcastEvidence(evidence);
  }

  // --- blocks and heights ------------------------------------------------------------------------

  /**
   * valid(v): the block extends our head, its time is after the parent's, its lastCommit verifies
   * against the previous validator set, and the application accepts it. Whether `block` may be
   * decided at this height, and if not why. `objective`: every node at this height finds the same
   * (the block contradicts the committed parent, the chain rules or itself); otherwise the failure
   * is ours (an application error), blames nobody and is retried (see RECHECK_FIRST_MS).
   *
   * A verdict is known once per block: the machine keeps it, and the WAL too (a `verdict` record
   * before any vote based on it), so that a replay after a restart reuses the verdict its signed
   * votes and its lock were based on instead of asking an application that may now fail.
   */
  async #checkBlock(m: HeightMachine, block: Block, hash: Hex, replay: boolean): Promise<BlockCheck> {
    const known = m.block(hash)?.valid ?? (replay ? this.#replayVerdicts.get(blockKey(hash)) : undefined);
    if (known === true) return VALID;
    if (known === false) return { why: 'block found invalid before', objective: true };
    const check = await this.#askBlock(m, block, hash);
    const verdict = { kind: 'verdict', height: m.height, hash, valid: check === VALID } as const;
    // Not recorded, not known: no vote may rest on it, so it counts as unchecked (rechecked later).
    if ((check === VALID || check.objective) && !this.#logInput(verdict))
      return { why: 'the consensus WAL cannot record the verdict for now', objective: false };
    return check;
  }

  async #askBlock(m: HeightMachine, block: Block, hash: Hex): Promise<BlockCheck> {
    const problem = blockProblem(this.#chainId, m.height, this.#app.head, this.#last, block);
    if (problem) {
      this.#log.info({ height: m.height, hash, problem }, 'invalid proposal');
      return { why: problem, objective: true };
    }
    try {
      const appHash = await this.#app.processProposal(block);
      if (appHash.toLowerCase() === hash.toLowerCase()) return VALID;
      this.#log.warn({ hash, appHash }, 'application hashed the block differently');
      return { why: `the application hashed the block to ${appHash}`, objective: false };
    } catch (err) {
      const expected = (err as { code?: unknown }).code === 'INVALID_PROPOSAL';
      this.#log[expected ? 'info' : 'error'](
        { err, height: m.height, hash },
        'application rejected the proposal',
      );
      return { why: (err as Error).message, objective: expected };
    }
  }

  async #finalize(m: HeightMachine, block: Block, commit: Commit, precommits: VoteSet | null): Promise<void> {
    const height = m.height;
    await this.#app.finalizeBlock(block, commit);
    const next = nextHeightProposerState(this.#proposerState, this.#app.validators());
    await this.#states.saveProposerState(height + 1, next);
    await this.#states.setLastCommitted(height);
    // Validator sets are kept as long as evidence from their height can be verified.
    const expired = height - this.#cfg.evidenceMaxAgeBlocks - 1;
    if (expired >= 1) await this.#states.deleteProposerState(expired);
    try {
      await this.#wal.endHeight(height);
    } catch (err) {
      // Rotation only bounds the file: replay skips records of other heights, so the next height
      // appends to this file and rotates it at its end.
      if (!isWalTransient(err)) throw err;
      this.#log.warn({ err, height }, 'cannot rotate the consensus WAL for now; keeping it');
    }
    this.#evidence.onBlockCommitted(height, block.evidence);
    this.#last = precommits
      ? { height, blockHash: commit.blockHash, validators: m.validators, precommits }
      : lastHeightFromCommit(this.#chainId, commit, m.validators);
    this.#log.info(
      {
        height,
        hash: commit.blockHash,
        round: commit.round,
        txs: block.txs.length,
        signatures: commit.signatures.length,
      },
      'committed block',
    );
    this.#enterHeight(height + 1, next);
  }

  #enterHeight(height: number, state: ProposerState): void {
    const validators = new ValidatorSet(state.validators.map((v) => v.validator));
    if (!validators.sameAs(this.#app.validators())) {
      throw new ConsensusError(
        'VALIDATOR_SET_MISMATCH',
        `the application's validator set for height ${height} differs from consensus's`,
      );
    }
    const self = this.#signer && validators.get(this.#signer.address) ? this.#signer.address : null;
    this.#proposerState = state;
    this.#machine = new HeightMachine({
      chainId: this.#chainId,
      height,
      validators,
      proposers: new ProposerSchedule(state),
      self,
      futureRoundsPerValidator: this.#cfg.futureRoundsPerValidator,
      waitForTxs: () => !this.#cfg.createEmptyBlocks && this.#app.mempool.stats().pending === 0,
    });
    this.#own = new OwnMessages(height);
    this.#recheckMs = RECHECK_FIRST_MS;
    const now = this.#clock.now();
    this.#decidedQuorumAt = Math.min(this.#quorumAt ?? now, now);
    this.#quorumAt = undefined;
    this.#arrivingPrecommits.clear();
    this.#arrivedFrom.clear();
    this.#prebuilt = undefined;
    this.#armRoundZero(height);
    for (const message of this.#nextHeight.take()) {
      if (message.kind === 'vote') this.onVote(message.vote, message.peer);
      else void this.#onProposal(message.proposal, message.peer, message.receivedAt);
    }
  }

  async #loadProposerState(height: number): Promise<ProposerState> {
    const stored = await this.#states.proposerState(height);
    if (stored) return stored;
    let state: ProposerState;
    if (height === 1) {
      state = newProposerState(this.#app.validators());
    } else {
      // Crashed between the application's commit and saving the next state: derive it again.
      const previous = await this.#states.proposerState(height - 1);
      if (!previous) {
        throw new ConsensusError(
          'PROPOSER_STATE_MISSING',
          `no proposer state for heights ${height - 1} or ${height}: blocks were committed without this engine`,
        );
      }
      state = nextHeightProposerState(previous, this.#app.validators());
    }
    await this.#states.saveProposerState(height, state);
    return state;
  }

  async #loadLastHeight(height: number): Promise<LastHeight> {
    const commit = this.#app.blocks.getCommit(height);
    const state = await this.#states.proposerState(height);
    if (!commit || !state) {
      throw new ConsensusError(
        'PROPOSER_STATE_MISSING',
        `no commit or validator set stored for height ${height}`,
      );
    }
    return lastHeightFromCommit(
      this.#chainId,
      commit,
      new ValidatorSet(state.validators.map((v) => v.validator)),
    );
  }

  async #validatorsAt(height: number): Promise<ValidatorSet | undefined> {
    if (height === this.#machine.height) return this.#machine.validators;
    if (height === this.#last?.height) return this.#last.validators;
    const state = await this.#states.proposerState(height);
    return state && new ValidatorSet(state.validators.map((v) => v.validator));
  }

  /** Re-applies the WAL records of the current height; own messages come from the log, not the signer. */
  async #replay(records: readonly WalEntry[]): Promise<void> {
    const m = this.#machine;
    const ofHeight = records.filter((e) => walEntryHeight(e) === m.height);
    for (const e of ofHeight) if (e.kind === 'verdict') this.#replayVerdicts.set(blockKey(e.hash), e.valid);
    const entries = ofHeight.filter(
      (e): e is ReplayedEntry => e.kind !== 'endHeight' && e.kind !== 'verdict',
    );
    if (entries.length === 0) return;
    for (const e of entries) {
      if (e.kind === 'vote' && e.vote.validator === m.self) this.#own.addVote(e.vote);
      if (e.kind === 'proposal' && m.self !== null && m.proposer(e.proposal.round) === m.self) {
        this.#own.addProposal(e.proposal);
      }
    }
    this.#log.info({ height: m.height, records: entries.length }, 'replaying the consensus WAL');
    for (const entry of entries) {
      if (this.#machine !== m) break; // decided during replay
      await this.#handle(entryEvent(entry), true);
    }
    this.#replayVerdicts.clear();
  }

  /** Checks again the blocks of this height whose check failed locally; backs off while it fails. */
  async #recheck(m: HeightMachine): Promise<void> {
    for (const known of m.uncheckedBlocks()) {
      if (this.#machine !== m) return;
      const valid = validityOf(await this.#checkBlock(m, known.block, known.hash, false));
      if (valid === null) continue;
      this.#log.info({ height: m.height, hash: known.hash, valid }, 'block checked again');
      await this.#perform(m, m.setValidity(known.hash, valid));
    }
    if (this.#machine !== m || m.uncheckedBlocks().length === 0) return;
    this.#recheckMs = Math.min(RECHECK_MAX_MS, this.#recheckMs * 2);
    this.#scheduleRecheck();
  }

  #scheduleRecheck(): void {
    this.#scheduleTick('recheck', this.#recheckMs);
  }

  /**
   * A round entering its propose step (round 0 after any wait for transactions) schedules its
   * timeoutPropose next to the proposal it may make: the block that round decides starts then,
   * before that proposal is built and processed.
   */
  #noteBlockStart(m: HeightMachine, actions: readonly Action[]): void {
    if (actions.some((a) => a.kind === 'schedule' && a.timeout.step === 'propose'))
      this.#blockStart = { height: m.height, at: this.#clock.now() };
  }

  /**
   * When round 0 of the height after `decided` is due: timeoutCommit (the block interval) after the
   * +2/3 precommits for the decided block arrived, as in CometBFT (its commit time is when it sees
   * them). Counting from our own commit instead, a validator slow to process the block would start
   * the next height late by its delay, and as the next proposer its proposal would come after the
   * others' timeoutPropose. Once every validator's precommit is in, the wait has nothing left to
   * collect for the next lastCommit, and it counts from the decided block's start instead: the
   * interval is then the period between block starts, not a pause added to the time a height takes
   * (its proposal, processing and two durable votes), which under load stretched a 1 s interval to
   * 1.1-1.5 s. A height longer than the interval is followed at once.
   */
  #roundZeroDue(decided: number): number {
    const interval = this.#cfg.timeoutCommitMs;
    const fromQuorum = this.#decidedQuorumAt + interval;
    const last = this.#last;
    const start = this.#blockStart;
    if (!last || start?.height !== decided) return fromQuorum;
    if (last.precommits.powerFor(last.blockHash) < last.validators.totalPower) return fromQuorum;
    return Math.min(fromQuorum, start.at + interval);
  }

  /** Schedules round 0 of `height` (step newHeight) and the proposer's build ahead of it. */
  #armRoundZero(height: number): void {
    this.#roundZeroAt = this.#roundZeroDue(height - 1);
    const commitWait = Math.max(0, this.#roundZeroAt - this.#clock.now());
    this.#scheduleTimeout({ height, round: 0, step: 'commit' }, commitWait);
    const lead = Math.min(commitWait, Math.ceil(PREBUILD_LEAD * this.#blockMs));
    const m = this.#machine;
    if (m.proposer(0) === this.#signer?.address && lead >= PREBUILD_MIN_MS && !this.#alone(m)) {
      this.#prebuildHeight = height;
      this.#scheduleTick('prebuild', commitWait - lead);
    }
  }

  /**
   * A late precommit of the decided height may complete it: round 0 may then come sooner. (Re-arming
   * at an unchanged time, or once round 0 began, would change nothing: the check saves the timers.)
   */
  #onLatePrecommit(): void {
    const m = this.#machine;
    if (m.step !== 'newHeight' || this.#roundZeroDue(m.height - 1) >= this.#roundZeroAt) return;
    this.#ticker.cancel(`timeout/${m.height}/0/commit`);
    this.#ticker.cancel('tick/prebuild');
    this.#armRoundZero(m.height);
  }

  /** A precommit for a block of the current height, verified, as it arrives (see #quorumAt). */
  #notePrecommit(m: HeightMachine, vote: Vote): void {
    if (this.#quorumAt !== undefined || vote.type !== PRECOMMIT || vote.blockHash === null) return;
    const validator = m.validators.get(vote.validator);
    const voter = `${vote.round}/${vote.validator}`;
    if (vote.height !== m.height || !validator || this.#arrivedFrom.has(voter)) return;
    this.#arrivedFrom.add(voter);
    const key = `${vote.round}/${vote.blockHash.toLowerCase()}`;
    const power = (this.#arrivingPrecommits.get(key) ?? 0n) + validator.power;
    this.#arrivingPrecommits.set(key, power);
    if (m.validators.hasTwoThirds(power)) this.#quorumAt = this.#clock.now();
  }

  #scheduleTimeout(t: TimeoutInfo, delayMs?: number): void {
    const key = `timeout/${t.height}/${t.round}/${t.step}`;
    let ms = delayMs ?? timeoutDuration(this.#cfg, t.step, t.round);
    if (t.step === 'propose' && this.#blockMs >= PREBUILD_MIN_MS)
      ms += Math.ceil(PROPOSE_SLACK * this.#blockMs);
    this.#ticker.schedule(key, ms, () => this.#enqueue({ kind: 'timeout', timeout: t }));
  }

  /**
   * Round 0 waits for transactions (the mempool's notification ends the wait): note when the wait
   * began, and keep one timer for the empty block due after emptyBlocksIntervalMs.
   */
  #waitForTxs(m: HeightMachine): void {
    if (this.#idleSince?.height !== m.height) this.#idleSince = { height: m.height, at: this.#clock.now() };
    const interval = this.#cfg.emptyBlocksIntervalMs;
    if (interval === 0) return;
    this.#scheduleTick('emptyBlock', Math.max(0, this.#idleSince.at + interval - this.#clock.now()));
  }

  /** Whether round 0 has waited emptyBlocksIntervalMs without transactions and makes a block anyway. */
  #emptyBlockDue(m: HeightMachine): boolean {
    const interval = this.#cfg.emptyBlocksIntervalMs;
    const since = this.#idleSince;
    return interval > 0 && since?.height === m.height && this.#clock.now() - since.at >= interval;
  }

  #scheduleTick(tick: Tick, delayMs: number): void {
    this.#ticker.schedule(`tick/${tick}`, delayMs, () => this.#enqueue({ kind: 'tick', tick }));
  }
}
