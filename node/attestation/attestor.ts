// The attestor loop of a validator node (docs/attribution.md, "Attested scores: the attestor"). On
// each committed block it picks up the AttestedInferenceRecorded events of the block's receipts
// whose validator snapshot holds this node's attestation account (the validator's staking
// operator), then walks each such record through its window:
//   commit half   load the candidates' verified content, score them, keep scores + a random salt
//                 on disk (secrets.ts), send commitAttestation
//   reveal half   send revealAttestation with the kept scores and salt
//   after         send settleAttestedInference (staggered by snapshot index, so that usually one
//                 validator pays for it), then forget the record once the chain has settled it.
// Everything it learns comes from the local state and blocks; every transaction is simulated
// against the head first (a step the chain would refuse is logged, not sent), then signed with the
// pending nonce and admitted through chain.checkTx, as eth_sendRawTransaction does. Scoring runs
// off the consensus path: the commit listener only starts it, and a scorer that fails or abstains
// means no commit for that record, never a stalled block.
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { AbiEvent, AbiFunction } from 'ox';
import type { Logger } from 'pino';
import type { Address } from '../../core/address.ts';
import { bytesToHex, equalBytes, type Hex, hexToBytes } from '../../core/bytes.ts';
import { sha256 } from '../../core/hash.ts';
import { decodeTx, signTx } from '../../core/tx.ts';
import type { Chain, CommittedBlockInfo } from '../../state/chain.ts';
import { nextBaseFee } from '../../state/execution/gas.ts';
import { simulateCall } from '../../state/execution/simulate.ts';
import { ATTRIBUTION_ADDRESS, attributionAbi } from '../../state/modules/attribution/abi.ts';
import { attestationCommitment } from '../../state/modules/attribution/attested/commitment.ts';
import { readAttestation, readAttested } from '../../state/modules/attribution/attested/records.ts';
import { readContribution } from '../../state/modules/attribution/store.ts';
import type { ContentLoader } from './content.ts';
import type { Candidate, Scorer } from './scorer.ts';
import type { Secret, SecretStore } from './secrets.ts';

const RECORDED = AbiEvent.fromAbi(attributionAbi, 'AttestedInferenceRecorded');
const RECORDED_TOPIC = AbiEvent.getSelector(RECORDED);
const RECORD = AbiFunction.fromAbi(attributionAbi, 'recordAttestedInference');
const RECORD_SELECTOR = hexToBytes(AbiFunction.getSelector(RECORD));
const COMMIT = AbiFunction.fromAbi(attributionAbi, 'commitAttestation');
const REVEAL = AbiFunction.fromAbi(attributionAbi, 'revealAttestation');
const SETTLE = AbiFunction.fromAbi(attributionAbi, 'settleAttestedInference');

/** Records followed at once; more are skipped (and logged) until some settle. */
const MAX_TRACKED = 256;
/** Blocks between the settlement turns of consecutive validators of a snapshot. */
const SETTLE_STAGGER = 2;
const PRIORITY_FEE = 10n ** 9n;

export interface AttestorAccount {
  readonly address: Address;
  readonly privateKey: Uint8Array;
}

export interface AttestorOptions {
  readonly chain: Chain;
  readonly account: AttestorAccount;
  readonly scorer: Scorer;
  readonly content: ContentLoader;
  readonly secrets: SecretStore;
  readonly log: Logger;
  readonly maxTracked?: number;
  /**
   * True while the node catches up with its peers: records are followed but no step is taken, since
   * the local head is behind and a transaction judged from it (a settlement, say) may be stale.
   */
  readonly syncing?: () => boolean;
}

type Step = 'commit' | 'reveal' | 'settle';

interface Tracked {
  readonly id: bigint;
  /** This validator's place in the record's snapshot. */
  readonly index: number;
  /** The output, until it is scored (then dropped). */
  output: Uint8Array | undefined;
  secret: Secret | undefined;
  scoring: boolean;
  /** Scored nothing (the scorer abstained or the output could not be read): no commit. */
  abstained: boolean;
  /** A step queued for submission and not yet admitted or refused. */
  submitting: boolean;
  /** A transaction of ours for this record, admitted; waited for while the mempool holds it. */
  inFlight: Hex | undefined;
  /** The last refusal logged, so a refusal repeated every block is logged once. */
  refused: string;
}

export class Attestor {
  readonly #o: AttestorOptions;
  readonly #tracked = new Map<bigint, Tracked>();
  /** Submissions one after another, so each takes the nonce after the previous one. */
  #queue: Promise<void> = Promise.resolve();
  readonly #work = new Set<Promise<void>>();
  #stopped = false;

  constructor(options: AttestorOptions) {
    this.#o = options;
    this.#resume();
    options.chain.onCommit((info) => {
      if (this.#stopped) return;
      try {
        this.#onBlock(info);
      } catch (err) {
        options.log.error({ err }, 'attestor: could not process a committed block');
      }
    });
    options.log.info({ account: options.account.address }, 'attestor started');
  }

  /** Records followed now (for status and tests). */
  get tracked(): number {
    return this.#tracked.size;
  }

  /** Resolves once no scoring or submission is under way (what the latest block started is done). */
  async idle(): Promise<void> {
    while (this.#work.size > 0) await Promise.allSettled([...this.#work]);
    await this.#queue;
  }

  /** Stops following blocks and waits for scoring and submissions under way. */
  async stop(): Promise<void> {
    this.#stopped = true;
    await this.idle();
  }

  /** Picks up the commitments kept from before a restart, so they can still be revealed. */
  #resume(): void {
    const { secrets, log, account, chain } = this.#o;
    const kept = secrets.loadAll((file, reason) =>
      log.warn({ file, reason }, 'attestor: ignoring an unreadable kept commitment'),
    );
    for (const secret of kept) {
      const r = readAttested(chain.state, secret.inferenceId);
      const index = r?.validators.findIndex((v) => v.operator === account.address) ?? -1;
      if (!r || r.settled || index < 0) {
        secrets.delete(secret.inferenceId);
        continue;
      }
      this.#tracked.set(secret.inferenceId, {
        id: secret.inferenceId,
        index,
        output: undefined,
        secret,
        scoring: false,
        abstained: false,
        submitting: false,
        inFlight: undefined,
        refused: '',
      });
    }
    if (this.#tracked.size > 0)
      log.info({ records: this.#tracked.size }, 'attestor: resuming kept commitments');
  }

  #onBlock(info: CommittedBlockInfo): void {
    for (const [i, receipt] of info.receipts.entries()) {
      if (receipt.status !== 1) continue;
      for (const log of receipt.logs) {
        if (log.address !== ATTRIBUTION_ADDRESS || log.topics[0] !== RECORDED_TOPIC || !log.topics[1])
          continue;
        this.#track(BigInt(log.topics[1]), info.block.txs[i]!);
      }
    }
    if (this.#o.syncing?.()) return;
    const height = info.block.header.height;
    for (const t of [...this.#tracked.values()]) this.#advance(t, height);
  }

  /** Follows record `id` if this validator is in its snapshot; `raw` is the recording transaction. */
  #track(id: bigint, raw: Uint8Array): void {
    const { chain, account, log } = this.#o;
    const r = readAttested(chain.state, id);
    const index = r?.validators.findIndex((v) => v.operator === account.address) ?? -1;
    if (!r || index < 0 || this.#tracked.has(id)) return;
    const max = this.#o.maxTracked ?? MAX_TRACKED;
    if (this.#tracked.size >= max) {
      log.warn(
        { inferenceId: id.toString(), max },
        'attestor: too many open records followed; skipping this one',
      );
      return;
    }
    let output: Uint8Array | undefined;
    const tx = decodeTx(raw);
    if (tx.to === ATTRIBUTION_ADDRESS && equalBytes(tx.data.subarray(0, 4), RECORD_SELECTOR)) {
      const [, hex] = AbiFunction.decodeData(RECORD, bytesToHex(tx.data));
      const bytes = hexToBytes(hex);
      if (equalBytes(sha256(bytes), r.outputHash)) output = bytes;
    }
    if (!output)
      log.warn({ inferenceId: id.toString() }, 'attestor: the output is not in the recording transaction');
    this.#tracked.set(id, {
      id,
      index,
      output,
      secret: undefined,
      scoring: false,
      abstained: output === undefined,
      submitting: false,
      inFlight: undefined,
      refused: '',
    });
  }

  /** Takes the next step of record `t` that block `height + 1` can hold, if any. */
  #advance(t: Tracked, height: number): void {
    const { chain, secrets, log, account } = this.#o;
    const r = readAttested(chain.state, t.id);
    if (!r || r.settled) {
      secrets.delete(t.id);
      this.#tracked.delete(t.id);
      if (r) log.info({ inferenceId: t.id.toString(), quorum: r.quorumReached }, 'attestor: record settled');
      return;
    }
    if (t.submitting || (t.inFlight && chain.mempool.has(t.inFlight))) return;
    t.inFlight = undefined;
    const next = height + 1;
    if (next <= r.commitEnd) {
      if (t.abstained || t.scoring) return;
      if (!t.secret) {
        this.#spawn(this.#score(t));
        return;
      }
      const ours = attestationCommitment(t.id, account.address, t.secret.scores, t.secret.salt);
      const onChain = readAttestation(chain.state, t.id, t.index);
      if (onChain && bytesToHex(onChain.commitment) === ours) return;
      this.#send(t, 'commit', hexToBytes(AbiFunction.encodeData(COMMIT, [t.id, ours])));
    } else if (next <= r.revealEnd) {
      const onChain = readAttestation(chain.state, t.id, t.index);
      if (!t.secret || !onChain || onChain.revealed) return;
      const { scores, salt } = t.secret;
      this.#send(t, 'reveal', hexToBytes(AbiFunction.encodeData(REVEAL, [t.id, [...scores], salt])));
    } else if (height >= r.revealEnd + SETTLE_STAGGER * t.index) {
      this.#send(t, 'settle', hexToBytes(AbiFunction.encodeData(SETTLE, [t.id])));
    }
  }

  #spawn(work: Promise<void>): void {
    this.#work.add(work);
    void work.finally(() => this.#work.delete(work));
  }

  /** Loads the candidates' content and scores them; on success keeps the secret and commits. */
  async #score(t: Tracked): Promise<void> {
    const { chain, content, scorer, secrets, log } = this.#o;
    const id = t.id.toString();
    t.scoring = true;
    try {
      const r = readAttested(chain.state, t.id);
      if (!r || !t.output) return;
      const candidates: Candidate[] = [];
      for (const cid of r.candidates) {
        const c = readContribution(chain.state, cid);
        const loaded = c
          ? await content.load({
              id: cid,
              datanetId: c.datanetId,
              chunkRoot: bytesToHex(c.chunkRoot),
              size: BigInt(c.size),
              chunkSize: c.chunkSize,
              uri: c.uri,
            })
          : ({ content: null, reason: 'no such contribution' } as const);
        if (loaded.content === null)
          log.warn(
            { inferenceId: id, contributionId: cid.toString(), reason: loaded.reason },
            'attestor: content unavailable, scored 0',
          );
        candidates.push({ contributionId: cid, content: loaded.content });
        // Verifying a chunk root is CPU work: let consensus and RPC run between candidates.
        await yieldToLoop();
        if (this.#stopped) return;
      }
      const result = await scorer.score({ inferenceId: t.id, output: t.output, candidates });
      if (result.kind === 'abstained') {
        t.abstained = true;
        log.warn({ inferenceId: id, reason: result.reason }, 'attestor: no commit for this record');
        return;
      }
      const secret: Secret = {
        inferenceId: t.id,
        scores: result.scores,
        salt: bytesToHex(crypto.getRandomValues(new Uint8Array(32))),
      };
      secrets.save(secret);
      t.secret = secret;
      t.output = undefined;
      log.info({ inferenceId: id, scores: result.scores }, 'attestor: scored');
    } catch (err) {
      t.abstained = true;
      log.error({ err, inferenceId: id }, 'attestor: scoring failed; no commit for this record');
    } finally {
      t.scoring = false;
    }
    if (!this.#stopped && t.secret) this.#advance(t, chain.head.header.height);
  }

  #send(t: Tracked, step: Step, data: Uint8Array): void {
    t.submitting = true;
    this.#queue = this.#queue
      .then(() => this.#submit(t, step, data))
      .catch((err) =>
        this.#o.log.error({ err, inferenceId: t.id.toString(), step }, 'attestor: submission failed'),
      )
      .finally(() => {
        t.submitting = false;
      });
  }

  /** Simulates the call against the head, then signs it with the pending nonce and admits it. */
  async #submit(t: Tracked, step: Step, data: Uint8Array): Promise<void> {
    const { chain, account, log } = this.#o;
    if (this.#stopped) return;
    const head = chain.head.header;
    const params = chain.params();
    const call = { from: account.address, to: ATTRIBUTION_ADDRESS, value: 0n, data, accessList: [] };
    const block = { chainId: chain.chainId, height: head.height + 1, time: head.time, params };
    const outcome = simulateCall(chain.state, block, chain.modules, {
      ...call,
      gasLimit: params.blockGasLimit,
    });
    const context = { inferenceId: t.id.toString(), step };
    if (outcome.status !== 1) {
      const why = `${outcome.errorCode}: ${outcome.error}`;
      if (why !== t.refused)
        log.info({ ...context, why }, 'attestor: the chain would refuse this step; not sent');
      t.refused = why;
      return;
    }
    try {
      const nonce = await chain.mempool.pendingNonce(account.address);
      const tx = signTx(
        {
          type: 2,
          chainId: chain.chainId,
          nonce,
          maxFeePerGas: 2n * nextBaseFee(head, params) + PRIORITY_FEE,
          maxPriorityFeePerGas: PRIORITY_FEE,
          // Room for state that changes before inclusion (another validator's reveal, say).
          gasLimit: outcome.gasUsed + outcome.gasUsed / 4n + 20_000n,
          ...call,
        },
        account.privateKey,
      );
      t.inFlight = (await chain.checkTx(tx.raw)).hash;
      log.info({ ...context, tx: t.inFlight, nonce: nonce.toString() }, `attestor: ${step} sent`);
    } catch (err) {
      log.warn({ ...context, err }, `attestor: could not send the ${step}`);
    }
  }
}
