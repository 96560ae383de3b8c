// The load of a harness run: value transfers from many funded accounts at a steady rate, and
// Proof-of-Attribution inference records (a Datanet, two contributions and a model set up first,
// with the CLI's own code, then records proved by the real prover). Every transaction is signed
// here, sent to a running node chosen at random, and its fate recorded: a hash (accepted), an
// error (refused), or no answer (unknown: kept and sent again, like a wallet would). Accepted
// transactions not yet in a block are sent again now and then, since a node killed before it
// gossiped a transaction loses its mempool.
import { AbiFunction } from 'ox';
import { bytesToHex, type Hex, hexToBytes } from '../../core/bytes.ts';
import { signTx } from '../../core/tx.ts';
import { sendAll, view } from '../../node/attributionCli.ts';
import { connect, signerFrom } from '../../node/moduleClient.ts';
import { registerContributions } from '../../node/register.ts';
import { attribute, buildIndex, type ContributionFile } from '../../prover/index.ts';
import { ATTRIBUTION_ADDRESS, attributionAbi } from '../../state/modules/attribution/abi.ts';
import { rpc } from '../e2e/cli.ts';

export interface SentRecord {
  readonly hash: Hex;
  readonly raw: Hex;
  readonly sender: string;
  readonly nonce: bigint;
  readonly kind: 'transfer' | 'attribution';
  outcome: 'accepted' | 'refused' | 'unknown';
  error?: string;
  lastSentAt: number;
  included: boolean;
}

interface Sender {
  readonly address: string;
  readonly key: Uint8Array;
  nonce: bigint;
  /** Nonces of refused transactions sent before later ones: used first, or the later ones wait forever. */
  holes: bigint[];
  inFlight: number;
}

export interface LoadStats {
  readonly records: SentRecord[];
  readonly accepted: number;
  readonly refused: number;
  readonly unknown: number;
  readonly included: number;
  readonly attributionIncluded: number;
}

const fn = (name: AbiFunction.Name<typeof attributionAbi>) => AbiFunction.fromAbi(attributionAbi, name);
const SINKS = Array.from({ length: 16 }, (_, i) => `0x${(0xc0de00 + i).toString(16).padStart(40, '0')}`);
const RESEND_AFTER_MS = 8_000;
const RPC_TIMEOUT_MS = 5_000;
const SETUP_TIMEOUT_MS = 120_000;
const FUNDING = 100n * 10n ** 18n;

/** Deterministic text: the contributions, and outputs quoting them. */
function text(seed: number, bytes: number): string {
  let x = seed;
  let out = '';
  while (out.length < bytes) {
    x = (x * 1_103_515_245 + 12_345) % 2 ** 31;
    out += String.fromCharCode(97 + (x % 26));
    if (x % 7 === 0) out += ' ';
  }
  return out.slice(0, bytes);
}

export interface LoadOptions {
  readonly transfersPerSecond: number;
  readonly attributionPerMinute: number;
  readonly window: number;
  /** URLs of the nodes that are up now. */
  readonly urls: () => string[];
  /** Accounts the setup funds with a transfer (byzantine nodes' own accounts). */
  readonly fund?: readonly string[];
}

export class Load {
  readonly records: SentRecord[] = [];
  readonly sinks = SINKS;
  readonly #byHash = new Map<string, SentRecord>();
  readonly #transfers: Sender[];
  readonly #operator: Sender;
  readonly #accounts: { address: string; privateKey: string }[];
  #chainId = 0n;
  #attribution: { data: Uint8Array; value: bigint; gas: bigint } | undefined;
  #running = false;
  #loop: Promise<void> | undefined;

  readonly #opts: LoadOptions;

  constructor(accounts: { address: string; privateKey: string }[], opts: LoadOptions) {
    this.#opts = opts;
    this.#accounts = accounts;
    const sender = (a: { address: string; privateKey: string }): Sender => ({
      address: a.address,
      key: hexToBytes(a.privateKey as Hex),
      nonce: 0n,
      holes: [],
      inFlight: 0,
    });
    // The last three accounts run the attribution setup (owner, contributor, operator).
    this.#transfers = accounts.slice(0, -3).map(sender);
    this.#operator = sender(accounts.at(-1)!);
  }

  /** Every address whose balance the load changes. */
  addresses(): string[] {
    return [
      ...this.#accounts.map((a) => a.address),
      ...SINKS,
      ATTRIBUTION_ADDRESS,
      ...(this.#opts.fund ?? []),
    ];
  }

  /** Reads nonces; funds the accounts to fund; creates the Datanet, contributions and model when records are wanted. */
  async setup(url: string): Promise<void> {
    this.#chainId = BigInt(await rpc<Hex>(url, 'eth_chainId'));
    for (const s of [...this.#transfers, this.#operator])
      s.nonce = BigInt(await rpc<Hex>(url, 'eth_getTransactionCount', [s.address, 'pending']));
    await this.#fund(url);
    if (this.#opts.attributionPerMinute > 0) await this.#setupAttribution(url);
  }

  /** One transfer of FUNDING to each account to fund, from the attribution owner, awaited. */
  async #fund(url: string): Promise<void> {
    const fund = this.#opts.fund ?? [];
    if (fund.length === 0) return;
    const from = this.#accounts.at(-3)!;
    const key = hexToBytes(from.privateKey as Hex);
    let nonce = BigInt(await rpc<Hex>(url, 'eth_getTransactionCount', [from.address, 'pending']));
    for (const to of fund) {
      const tx = signTx(
        {
          type: 2,
          chainId: this.#chainId,
          nonce: nonce++,
          maxFeePerGas: 10n ** 11n,
          maxPriorityFeePerGas: 1n,
          gasLimit: 21_000n,
          to: to as Hex,
          value: FUNDING,
          data: new Uint8Array(),
          accessList: [],
        },
        key,
      );
      await rpc(url, 'eth_sendRawTransaction', [bytesToHex(tx.raw)], RPC_TIMEOUT_MS);
    }
    const deadline = Date.now() + SETUP_TIMEOUT_MS;
    for (const to of fund) {
      while (BigInt(await rpc<Hex>(url, 'eth_getBalance', [to, 'latest'])) < FUNDING) {
        if (Date.now() > deadline) throw new Error(`funding ${to} did not land in a block`);
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  }

  async #setupAttribution(url: string): Promise<void> {
    const client = connect(url);
    const owner = signerFrom(this.#accounts.at(-3)!.privateKey);
    const contributor = signerFrom(this.#accounts.at(-2)!.privateKey);
    const operator = signerFrom(this.#accounts.at(-1)!.privateKey);
    const p = await view<{
      chunkSize: number;
      minSpanLength: number;
      maxSpansPerRecord: number;
      minAttributionBond: bigint;
    }>(client, 'params');
    const timeout = SETUP_TIMEOUT_MS;
    const [datanet] = await sendAll(
      client,
      owner,
      [
        {
          data: AbiFunction.encodeData(fn('createDatanet'), ['harness', '', '', 0, 0n]),
          what: 'createDatanet',
        },
      ],
      timeout,
    );
    const datanetId = datanet!.events.find((e) => e.event === 'DatanetCreated')!.args['datanetId'] as bigint;
    // Content unique to this run, so a rerun on the same chain is never a duplicate.
    const salt = Math.floor(Math.random() * 1e9);
    const contents = [text(salt, 3000), text(salt + 1, 3000)].map((t) => new TextEncoder().encode(t));
    const { reveals: added } = await registerContributions(
      client,
      contributor,
      contents.map((content) => ({
        datanetId,
        content,
        chunkSize: p.chunkSize,
        uri: 'harness',
        what: 'contribution',
      })),
      0n,
      timeout,
    );
    const files: ContributionFile[] = added.map((s, i) => ({
      id: s.events.find((e) => e.event === 'ContributionAdded')!.args['contributionId'] as bigint,
      content: contents[i]!,
      chunkSize: p.chunkSize,
    }));
    const [model] = await sendAll(
      client,
      owner,
      [
        {
          data: AbiFunction.encodeData(fn('registerModel'), [
            'harness model',
            '',
            [datanetId],
            0n,
            10n ** 15n,
            0n,
            { ownerBps: 5_000, contributorsBps: 3_000, validatorsBps: 1_000, treasuryBps: 1_000 },
          ]),
          what: 'registerModel',
        },
      ],
      timeout,
    );
    const modelId = model!.events.find((e) => e.event === 'ModelRegistered')!.args['modelId'] as bigint;
    // Only the owner or an authorized operator holding an attribution bond may record.
    const authorized = await sendAll(
      client,
      owner,
      [
        {
          data: AbiFunction.encodeData(fn('setOperator'), [modelId, operator.address, true]),
          what: 'setOperator',
        },
      ],
      timeout,
    );
    const bonded = await sendAll(
      client,
      operator,
      [
        {
          data: AbiFunction.encodeData(fn('postAttributionBond'), [modelId]),
          value: p.minAttributionBond,
          what: 'postAttributionBond',
        },
      ],
      timeout,
    );
    for (const s of [...authorized, ...bonded])
      if (s.status !== 'success') throw new Error(`harness set-up: ${s.failureReason}`);
    const output = new TextEncoder().encode(
      `Q|${new TextDecoder().decode(contents[0]!.slice(100, 400))}|${new TextDecoder().decode(contents[1]!.slice(1000, 1200))}|E`,
    );
    const proved = attribute(buildIndex(files), {
      modelId,
      output,
      minSpanLength: p.minSpanLength,
      maxSpans: p.maxSpansPerRecord,
    });
    const value = await view<bigint>(client, 'modelFee', [modelId, output.length]);
    const estimate = await client.estimateGas({
      account: operator.address,
      to: ATTRIBUTION_ADDRESS,
      data: proved.calldata,
      value,
    });
    this.#attribution = { data: hexToBytes(proved.calldata), value, gas: (estimate * 3n) / 2n };
    this.#operator.nonce = BigInt(
      await rpc<Hex>(url, 'eth_getTransactionCount', [operator.address, 'pending']),
    );
  }

  start(): void {
    this.#running = true;
    this.#loop = this.#run();
  }

  async stop(): Promise<void> {
    this.#running = false;
    await this.#loop;
  }

  /** Marks transactions seen in a block. */
  sawBlock(txHashes: readonly string[]): void {
    for (const hash of txHashes) {
      const record = this.#byHash.get(hash);
      if (!record || record.included) continue;
      record.included = true;
      const sender = [...this.#transfers, this.#operator].find((s) => s.address === record.sender);
      if (sender) sender.inFlight--;
    }
  }

  /** Sends again every accepted or unanswered transaction not yet seen in a block. */
  async resendPending(now = Date.now(), olderThanMs = RESEND_AFTER_MS): Promise<void> {
    const urls = this.#opts.urls();
    if (urls.length === 0) return;
    const due = this.records.filter(
      (r) => r.outcome !== 'refused' && !r.included && now - r.lastSentAt >= olderThanMs,
    );
    for (const r of due) {
      r.lastSentAt = now;
      const url = urls[Math.floor(Math.random() * urls.length)]!;
      try {
        await rpc(url, 'eth_sendRawTransaction', [r.raw], RPC_TIMEOUT_MS);
        if (r.outcome === 'unknown') r.outcome = 'accepted';
      } catch {
        // Known already, or the node is gone: the next round tries again.
      }
    }
  }

  stats(): LoadStats {
    const count = (f: (r: SentRecord) => boolean) => this.records.filter(f).length;
    return {
      records: this.records,
      accepted: count((r) => r.outcome === 'accepted'),
      refused: count((r) => r.outcome === 'refused'),
      unknown: count((r) => r.outcome === 'unknown'),
      included: count((r) => r.included),
      attributionIncluded: count((r) => r.included && r.kind === 'attribution'),
    };
  }

  async #run(): Promise<void> {
    let last = Date.now();
    let transferBudget = 0;
    let recordBudget = 0;
    let next = 0;
    let lastResend = Date.now();
    while (this.#running) {
      const now = Date.now();
      const dt = (now - last) / 1000;
      last = now;
      // At most a second's worth at once: after a stall the load does not burst.
      transferBudget = Math.min(
        transferBudget + dt * this.#opts.transfersPerSecond,
        this.#opts.transfersPerSecond + 1,
      );
      recordBudget = Math.min(recordBudget + (dt * this.#opts.attributionPerMinute) / 60, 2);
      const sends: Promise<void>[] = [];
      while (transferBudget >= 1) {
        transferBudget--;
        const sender = this.#freeSender(next++);
        if (!sender) break;
        sends.push(this.#send(sender, 'transfer'));
      }
      if (this.#attribution && recordBudget >= 1 && this.#operator.inFlight < this.#opts.window) {
        recordBudget--;
        sends.push(this.#send(this.#operator, 'attribution'));
      }
      await Promise.all(sends);
      if (now - lastResend > 2_000) {
        lastResend = now;
        await this.resendPending();
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  #freeSender(start: number): Sender | undefined {
    for (let i = 0; i < this.#transfers.length; i++) {
      const s = this.#transfers[(start + i) % this.#transfers.length]!;
      if (s.inFlight < this.#opts.window) return s;
    }
    return undefined;
  }

  async #send(sender: Sender, kind: SentRecord['kind']): Promise<void> {
    const urls = this.#opts.urls();
    if (urls.length === 0) return;
    const url = urls[Math.floor(Math.random() * urls.length)]!;
    const nonce = sender.holes.shift() ?? sender.nonce++;
    sender.inFlight++;
    const a = this.#attribution;
    const tx = signTx(
      {
        type: 2,
        chainId: this.#chainId,
        nonce,
        maxFeePerGas: 10n ** 11n,
        maxPriorityFeePerGas: 1n,
        gasLimit: kind === 'transfer' ? 21_000n : a!.gas,
        to: (kind === 'transfer' ? SINKS[Number(nonce % BigInt(SINKS.length))]! : ATTRIBUTION_ADDRESS) as Hex,
        value: kind === 'transfer' ? 1n + (nonce % 1000n) : a!.value,
        data: kind === 'transfer' ? new Uint8Array() : a!.data,
        accessList: [],
      },
      sender.key,
    );
    const record: SentRecord = {
      hash: tx.hash as Hex,
      raw: bytesToHex(tx.raw),
      sender: sender.address,
      nonce,
      kind,
      outcome: 'unknown',
      lastSentAt: Date.now(),
      included: false,
    };
    this.records.push(record);
    this.#byHash.set(record.hash, record);
    try {
      const hash = await rpc<Hex>(url, 'eth_sendRawTransaction', [record.raw], RPC_TIMEOUT_MS);
      record.outcome = hash === record.hash ? 'accepted' : 'unknown';
    } catch (err) {
      const message = (err as Error).message;
      // A JSON-RPC error is a refusal; no answer at all (timeout, connection refused) is unknown.
      if (message.startsWith('eth_sendRawTransaction:')) {
        record.outcome = 'refused';
        record.error = message;
        sender.inFlight--;
        if (sender.nonce === nonce + 1n) sender.nonce = nonce;
        else sender.holes = [...sender.holes, nonce].sort((x, y) => (x < y ? -1 : 1));
      }
    }
  }
}
