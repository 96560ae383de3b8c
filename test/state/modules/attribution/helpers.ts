// A real Chain with the attribution module on a temporary LevelDB, funded accounts, and helpers to
// send real signed transactions with viem-encoded calldata, read views, and check that a failing
// call changed nothing but the sender's fee.

import { type Abi, decodeEventLog, decodeFunctionResult, encodeFunctionData } from 'viem';
import { expect } from 'vitest';
import { type Address, addressFromPrivateKey } from '../../../../core/address.ts';
import { bytesToHex, hexToBytes } from '../../../../core/bytes.ts';
import { signTx } from '../../../../core/tx.ts';
import { DEFAULT_PARAMS } from '../../../../genesis/defaults.ts';
import type { GenesisInput } from '../../../../genesis/schema.ts';
import { type ContributionCommit, commitCalldata, revealCalldata } from '../../../../prover/index.ts';
import { readAccount } from '../../../../state/accounts.ts';
import { executeBlock } from '../../../../state/execution/executeBlock.ts';
import { nextBaseFee } from '../../../../state/execution/gas.ts';
import { ATTRIBUTION_ADDRESS, attributionAbi } from '../../../../state/modules/attribution/abi.ts';
import { AttributionModule } from '../../../../state/modules/attribution/module.ts';
import type { AttributionParams } from '../../../../state/modules/attribution/params.ts';
import { stateKeys } from '../../../../state/stateKeys.ts';
import type { StoredReceipt } from '../../../../state/store/receipts.ts';
import { openTestChain, type TestChain } from '../../../helpers/chain.ts';

export const ETH = 10n ** 18n;
const GWEI = 10n ** 9n;
export const TREASURY: Address = '0x0000000000000000000000000000000000007ea5';
export const REWARD: Address = '0x00000000000000000000000000000000000fee01';

export interface Account {
  readonly name: string;
  readonly privateKey: Uint8Array;
  readonly address: Address;
}

function account(name: string, seed: number): Account {
  const privateKey = new Uint8Array(32);
  privateKey[31] = seed;
  privateKey[0] = 0xa7;
  return { name, privateKey, address: addressFromPrivateKey(privateKey) };
}

export const [alice, bob, carol, dave, erin] = ['alice', 'bob', 'carol', 'dave', 'erin'].map((n, i) =>
  account(n, i + 1),
) as [Account, Account, Account, Account, Account];

const abi = attributionAbi as Abi;
type AttributionAbi = typeof attributionAbi;
type FunctionName = Extract<AttributionAbi[number], { type: 'function' }>['name'];

export interface DecodedLog {
  readonly eventName: string;
  readonly args: Record<string, unknown>;
}

export interface Sent {
  readonly receipt: StoredReceipt;
  readonly events: DecodedLog[];
  /** The block's time (ms). */
  readonly time: number;
}

/** Small attribution parameters, so tests build spans and chunk trees by hand. */
export const TEST_ATTRIBUTION_PARAMS: AttributionParams = {
  chunkSize: 16,
  minSpanLength: 8,
  maxOutputBytes: 2_048,
  maxSpansPerRecord: 8,
  maxLoraDepth: 2,
  loraBaseShareBps: 2_000,
  challengeWindowSeconds: 60,
  revealWindowBlocks: 8,
  possessionSamples: 2,
  reviewWindowBlocks: 10,
  minContributorsBps: 1_000,
  minValidatorsBps: 100,
  // Tests of other rules register fee-less models; test/attacks/floors.test.ts sets this floor.
  minFeePerInference: 0n,
  maxModelFee: 10n ** 30n,
  // Records settle in their own transaction and need no bond, unless a test asks for escrow.
  challengeWindowBlocks: 0,
  minAttributionBond: 0n,
  challengeRewardPerByte: 10n ** 15n,
  uncoveredToDatanets: false,
  // Attested records: commits in the 4 blocks after the record, reveals in the 4 after those.
  attestationWindowBlocks: 8,
  attestationQuorumBps: 6_667,
  maxCandidates: 4,
  // Never punished, unless a test asks.
  maxMissedAttestations: 0,
};

/** Attribution parameters as a genesis file spells them (amounts as decimal strings). */
export function genesisAttribution(p: AttributionParams): GenesisInput['params']['attribution'] {
  return {
    ...p,
    minAttributionBond: p.minAttributionBond.toString(),
    challengeRewardPerByte: p.challengeRewardPerByte.toString(),
    minFeePerInference: p.minFeePerInference.toString(),
    maxModelFee: p.maxModelFee.toString(),
  };
}

export const TEST_ATTRIBUTION: GenesisInput['params']['attribution'] = {
  ...DEFAULT_PARAMS.attribution,
  ...genesisAttribution(TEST_ATTRIBUTION_PARAMS),
};

export class AttributionHarness {
  readonly t: TestChain;
  readonly module: AttributionModule;
  readonly #nonces = new Map<Address, bigint>();

  private constructor(t: TestChain, module: AttributionModule) {
    this.t = t;
    this.module = module;
  }

  /** `validators`: the genesis set (default one, operated by REWARD), e.g. test accounts that attest. */
  static async open(
    params: Partial<GenesisInput['params']['attribution']> = {},
    validators?: readonly { power: bigint; rewardAddress: Address }[],
  ): Promise<AttributionHarness> {
    const module = new AttributionModule();
    const t = await openTestChain({
      modules: [module],
      alloc: [alice, bob, carol, dave, erin].map((a) => ({ address: a.address, balance: 1_000n * ETH })),
      params: { treasury: TREASURY, attribution: { ...TEST_ATTRIBUTION, ...params } },
      rewardAddress: REWARD,
      validators,
    });
    return new AttributionHarness(t, module);
  }

  get chain() {
    return this.t.chain;
  }

  close(): Promise<void> {
    return this.t.close();
  }

  balance(address: Address): bigint {
    return readAccount(this.chain.state, address).balance;
  }

  calldata(name: FunctionName, args: readonly unknown[]): Uint8Array {
    return hexToBytes(encodeFunctionData({ abi, functionName: name, args }));
  }

  #sign(from: Account, data: Uint8Array, value: bigint, gas: bigint) {
    const nonce = this.#nonces.get(from.address) ?? readAccount(this.chain.state, from.address).nonce;
    this.#nonces.set(from.address, nonce + 1n);
    return signTx(
      {
        type: 2,
        chainId: this.chain.chainId,
        nonce,
        maxFeePerGas: 10n * GWEI,
        maxPriorityFeePerGas: GWEI,
        gasLimit: gas,
        to: ATTRIBUTION_ADDRESS,
        value,
        data,
        accessList: [],
      },
      from.privateKey,
    );
  }

  /** Sends raw calldata in its own block and returns its receipt and decoded events. */
  async sendData(
    from: Account,
    data: Uint8Array,
    opts: { value?: bigint; gas?: bigint; time?: number } = {},
  ): Promise<Sent> {
    const tx = this.#sign(from, data, opts.value ?? 0n, opts.gas ?? 20_000_000n);
    const added = await this.chain.checkTx(tx.raw);
    expect(added.status).toBe('pending');
    const info = await this.t.produce(opts.time);
    const i = info.txHashes.indexOf(tx.hash);
    expect(i).toBeGreaterThanOrEqual(0);
    const receipt = info.receipts[i]!;
    const events = receipt.logs.map((log) => {
      expect(log.address).toBe(ATTRIBUTION_ADDRESS);
      const decoded = decodeEventLog({
        abi: attributionAbi,
        data: bytesToHex(log.data),
        topics: log.topics as [`0x${string}`],
      });
      return { eventName: decoded.eventName, args: decoded.args as unknown as Record<string, unknown> };
    });
    return { receipt, events, time: info.block.header.time };
  }

  /** Sends a call that must succeed. */
  async send(
    from: Account,
    name: FunctionName,
    args: readonly unknown[],
    opts: { value?: bigint; time?: number } = {},
  ): Promise<Sent> {
    const sent = await this.sendData(from, this.calldata(name, args), opts);
    expect(sent.receipt.error).toBe('');
    expect(sent.receipt.status).toBe(1);
    return sent;
  }

  /**
   * Sends a call that must fail with `error`, matched against the receipt's failure reason "CODE:
   * message" (so a test can pin the stable code), and checks on a dry run of the same block that it
   * changed nothing but the sender's account (fee and nonce) and the fee recipients'.
   */
  async fails(
    from: Account,
    name: FunctionName | Uint8Array,
    args: readonly unknown[],
    error: RegExp,
    opts: { value?: bigint; time?: number } = {},
  ): Promise<Sent> {
    const data = name instanceof Uint8Array ? name : this.calldata(name, args);
    const dry = this.#dryRun(from, data, opts.value ?? 0n, opts.time);
    const allowed = new Set([from.address, TREASURY, REWARD].map((a) => bytesToHex(stateKeys.account(a))));
    for (const change of dry.changes)
      expect(allowed.has(bytesToHex(change.key)), `unexpected change of ${bytesToHex(change.key)}`).toBe(
        true,
      );
    expect(dry.receipt.status).toBe(0);
    expect(`${dry.receipt.errorCode}: ${dry.receipt.error}`).toMatch(error);

    const before = this.balance(from.address);
    const sent = await this.sendData(from, data, opts);
    expect(sent.receipt.status).toBe(0);
    expect(sent.receipt.error).toBe(dry.receipt.error);
    expect(sent.receipt.logs).toEqual([]);
    expect(this.balance(from.address)).toBe(before - sent.receipt.gasUsed * sent.receipt.effectiveGasPrice);
    return sent;
  }

  #dryRun(from: Account, data: Uint8Array, value: bigint, time?: number) {
    const chain = this.chain;
    const params = chain.params();
    const head = chain.head.header;
    const nonce = this.#nonces.get(from.address) ?? readAccount(chain.state, from.address).nonce;
    const tx = this.#sign(from, data, value, 20_000_000n);
    this.#nonces.set(from.address, nonce);
    const execution = executeBlock(
      chain.state,
      {
        block: { chainId: chain.chainId, height: head.height + 1, time: time ?? head.time + 1000, params },
        baseFee: nextBaseFee(head, params),
        modules: chain.modules,
        gasLimit: params.blockGasLimit,
      },
      [{ tx, sender: from.address }],
      'verify',
    );
    return { receipt: execution.receipts[0]!, changes: execution.state.changes() };
  }

  /** Produces `blocks` empty blocks. */
  async advance(blocks: number): Promise<void> {
    for (let i = 0; i < blocks; i++) await this.t.produce();
  }

  /** Sends the commitment to `content` (docs/attribution.md, "Registration"); the salt is random unless given. */
  async commit(from: Account, content: Uint8Array, salt?: Uint8Array): Promise<ContributionCommit> {
    const call = { datanetId: 0n, content, chunkSize: TEST_ATTRIBUTION_PARAMS.chunkSize };
    const c = commitCalldata(call, from.address, salt);
    await this.send(from, 'commitContribution', [c.commitment]);
    return c;
  }

  /** The reveal of a commitment, with the chunks the chain drew for it. */
  revealData(c: ContributionCommit, datanetId: bigint, content: Uint8Array, uri = ''): Uint8Array {
    const indices = (this.view('possessionIndices', [c.commitment, BigInt(content.length)]) as bigint[]).map(
      Number,
    );
    const call = { datanetId, content, chunkSize: TEST_ATTRIBUTION_PARAMS.chunkSize, uri };
    return hexToBytes(revealCalldata(call, c.salt, indices));
  }

  /** Registers `content`: commit, two empty blocks (the seed enters the state), then the reveal, which must succeed. */
  async contribute(
    from: Account,
    datanetId: bigint,
    content: Uint8Array,
    opts: { value?: bigint; uri?: string } = {},
  ): Promise<Sent> {
    const c = await this.commit(from, content);
    await this.advance(2);
    const sent = await this.sendData(from, this.revealData(c, datanetId, content, opts.uri), {
      value: opts.value,
    });
    expect(sent.receipt.error).toBe('');
    return sent;
  }

  /** eth_call of a view, decoded with viem. */
  view(name: FunctionName, args: readonly unknown[] = []): unknown {
    const data = encodeFunctionData({ abi, functionName: name, args });
    const head = this.chain.head.header;
    const out = this.module.view(
      this.chain.state,
      {
        chainId: this.chain.chainId,
        height: head.height + 1,
        time: head.time + 1,
        params: this.chain.params(),
      },
      hexToBytes(data),
      alice.address,
    );
    return decodeFunctionResult({ abi, functionName: name, data: bytesToHex(out) });
  }

  /** The id in the first event of `eventName` (ids are the first indexed argument). */
  static idFrom(sent: Sent, eventName: string, key: string): bigint {
    const event = sent.events.find((e) => e.eventName === eventName);
    expect(event, `no ${eventName} event`).toBeDefined();
    return event!.args[key] as bigint;
  }
}
