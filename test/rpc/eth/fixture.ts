// The real eth_/net_/web3_ modules served by the real RpcServer on top of a test Chain whose blocks
// are produced on demand (test/helpers/chain.ts). Nothing moves unless a test calls produce(), so
// transactions stay pending exactly as long as a test wants and every expected value is exact.
// Tests that need the whole node (block production, open_ namespace, CLI config) use
// test/helpers/node.ts instead.
import {
  createPublicClient,
  createWalletClient,
  defineChain,
  encodeAbiParameters,
  type Hex,
  http,
  type PrivateKeyAccount,
  type TransactionSerializable,
  type Chain as ViemChain,
} from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import type { Address } from '../../../core/address.ts';
import { bytesToHex, hexToBytes } from '../../../core/bytes.ts';
import { keccak256 } from '../../../core/hash.ts';
import { type DevAccount, devAccounts } from '../../../node/devAccounts.ts';
import { CLIENT_VERSION } from '../../../node/version.ts';
import type { FilterLimits } from '../../../rpc/eth/filters.ts';
import { ethModule } from '../../../rpc/eth/index.ts';
import { netModule, web3Module } from '../../../rpc/net.ts';
import { Registry } from '../../../rpc/registry.ts';
import { RpcServer, type RpcServerOptions } from '../../../rpc/server.ts';
import { txpoolModule } from '../../../rpc/txpool.ts';
import type { Chain, CommittedBlockInfo } from '../../../state/chain.ts';
import type { MempoolOptions } from '../../../state/mempool/config.ts';
import { type Module, ModuleError } from '../../../state/modules/module.ts';
import { openTestChain, type TestChain } from '../../helpers/chain.ts';

// Not imported from test/helpers/node.ts: that pulls in the whole node, a second per test file.
export const TEST_BALANCE = 10n ** 22n;
export const CHAIN_ID = 1337;
/** Genesis default: block 1's base fee and the floor the base fee never falls below. */
export const MIN_BASE_FEE = 1_000_000_000n;
export const BLOCK_GAS_LIMIT = 1_000_000_000n;
export const GWEI = 1_000_000_000n;
/** Where the test chain's proposer fees go: no test account, so balance deltas are exact. */
export const FEE_RECIPIENT: Address = '0x00000000000000000000000000000000000fee01';
export const ZERO_HASH: Hex = `0x${'00'.repeat(32)}`;
/** The default recipient of test transfers: holds nothing at genesis, belongs to no test key. */
export const STRANGER: Address = '0x5555555555555555555555555555555555555555';

/** Address of the test module below (a module address has "code" 0xfe and accepts calldata). */
export const PING_MODULE: Address = '0x000000000000000000000000000000000000e1e1';
/** topic0 of the module's one event: keccak256("Ping(address,bytes)"). */
export const PING_TOPIC: Hex = bytesToHex(keccak256(new TextEncoder().encode('Ping(address,bytes)')));
/** Gas the module charges per call on top of the intrinsic gas. */
export const PING_GAS = 5_000n;
/** Calldata that makes the module fail (a reverted call in a receipt, a revert from eth_call). */
export const PING_FAIL: Hex = '0xdead';

/** The data of the Ping log for `calldata`: the ABI encoding of one `bytes` value. */
export const pingData = (calldata: Hex): Hex => encodeAbiParameters([{ type: 'bytes' }], [calldata]);

/** The ABI-style topic of an address: left-padded to 32 bytes. */
export const addressTopic = (a: string): Hex => `0x${'00'.repeat(12)}${a.slice(2).toLowerCase()}`;

/**
 * A minimal module for tests: each call charges PING_GAS and emits Ping(address indexed from, bytes data)
 * unless the calldata is PING_FAIL; a view returns keccak256 of the calldata (or reverts the same way).
 */
export const pingModule: Module = {
  name: 'ping',
  address: PING_MODULE,
  execute(ctx, data) {
    ctx.useGas(PING_GAS);
    if (bytesToHex(data) === PING_FAIL) throw new ModuleError('PING_FAILED', 'ping refused: dead calldata');
    ctx.emit({
      address: PING_MODULE,
      topics: [PING_TOPIC, addressTopic(ctx.from)],
      data: hexToBytes(pingData(bytesToHex(data))),
    });
  },
  view(_state, _block, data) {
    if (bytesToHex(data) === PING_FAIL) throw new ModuleError('PING_FAILED', 'ping refused: dead calldata');
    return keccak256(data);
  },
};

export interface RpcErrorJson {
  code: number;
  message: string;
  data?: unknown;
}

export interface RpcResponse {
  status: number;
  body: { jsonrpc: string; id: unknown; result?: unknown; error?: RpcErrorJson } | undefined;
}

export interface RpcChain {
  readonly chain: Chain;
  readonly test: TestChain;
  readonly url: string;
  readonly wsUrl: string;
  readonly devAccounts: readonly DevAccount[];
  readonly accounts: readonly PrivateKeyAccount[];
  readonly viemChain: ViemChain;
  /** Commits the next block with what the mempool holds, one second after its parent. */
  produce(): Promise<CommittedBlockInfo>;
  publicClient(): ReturnType<typeof createPublicClient>;
  walletClient(index: number): ReturnType<typeof createWalletClient>;
  /** POSTs a body (an object is JSON-encoded) and returns status and parsed body, errors included. */
  post(body: unknown): Promise<RpcResponse>;
  /** One JSON-RPC request by fetch; the whole response object. */
  request(method: string, params?: unknown[]): Promise<RpcResponse['body'] & {}>;
  /** The result of a request; throws with the error's code and message if there is one. */
  call<T = unknown>(method: string, params?: unknown[]): Promise<T>;
  /** The error of a request that must fail. */
  error(method: string, params?: unknown[]): Promise<RpcErrorJson>;
  /**
   * Signs a transaction of account `index` with viem. Defaults: chain id 1337, to STRANGER, 21,000
   * gas, EIP-1559 with max fee 3 gwei and tip 1 gwei (so it pays 2 gwei at the 1 gwei base fee), or
   * a 2 gwei gas price when the type is legacy.
   */
  sign(index: number, tx: Partial<TransactionSerializable> & { nonce: number }): Promise<Hex>;
  /** Signs and sends a transfer with explicit fields; returns its hash. */
  send(index: number, tx: Partial<TransactionSerializable> & { nonce: number }): Promise<Hex>;
  stop(): Promise<void>;
}

export interface RpcChainOptions {
  readonly accounts?: number;
  readonly mempool?: Partial<MempoolOptions>;
  /** Transport settings of the server (limits); host and port are always loopback and free. */
  readonly server?: RpcServerOptions;
  /** Filter caps and clock (eth_newFilter and friends). */
  readonly filters?: FilterLimits;
  /** The chain to serve, opened with the dev accounts' allocations (default: one validator and the ping module). */
  readonly open?: (alloc: { address: Address; balance: bigint }[]) => Promise<TestChain>;
}

let derived: DevAccount[] = [];
/** The first `count` dev accounts; derived once per test file (seed and key derivation are slow). */
function someDevAccounts(count: number): DevAccount[] {
  if (derived.length < count) derived = devAccounts(Math.max(count, 6));
  return derived.slice(0, count);
}

export async function startRpcChain(opts: RpcChainOptions = {}): Promise<RpcChain> {
  const dev = someDevAccounts(opts.accounts ?? 4);
  const alloc = dev.map((a) => ({ address: a.address, balance: TEST_BALANCE }));
  const test = opts.open
    ? await opts.open(alloc)
    : await openTestChain({
        alloc,
        rewardAddress: FEE_RECIPIENT,
        modules: [pingModule],
        ...(opts.mempool && { mempool: opts.mempool }),
      });
  const chain = test.chain;
  const registry = new Registry([
    ethModule(
      chain,
      () => ({
        syncing: false,
        startingBlock: 0,
        currentBlock: chain.head.header.height,
        highestBlock: chain.head.header.height,
      }),
      undefined,
      undefined,
      opts.filters,
    ),
    netModule(chain.chainId, () => 0),
    txpoolModule(chain.mempool),
    web3Module(CLIENT_VERSION),
  ]);
  const server = new RpcServer(registry, { ...opts.server, host: '127.0.0.1', port: 0 });
  const { url, wsUrl } = await server.start();
  const viemChain = defineChain({
    id: CHAIN_ID,
    name: 'openchain-test',
    nativeCurrency: { name: 'OPEN', symbol: 'OPEN', decimals: 18 },
    rpcUrls: { default: { http: [url], webSocket: [wsUrl] } },
  });
  const accounts = dev.map((a) => privateKeyToAccount(a.privateKey));

  let nextId = 1;
  const post = async (body: unknown): Promise<RpcResponse> => {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };
  const request = async (method: string, params: unknown[] = []) => {
    const { body } = await post({ jsonrpc: '2.0', id: nextId++, method, params });
    if (!body) throw new Error(`no response body for ${method}`);
    return body;
  };
  const sign = (index: number, tx: Partial<TransactionSerializable> & { nonce: number }) =>
    accounts[index]!.signTransaction({
      chainId: CHAIN_ID,
      to: STRANGER,
      gas: 21_000n,
      ...(tx.type === 'legacy' || tx.gasPrice !== undefined
        ? { gasPrice: 2n * GWEI }
        : { maxFeePerGas: 3n * GWEI, maxPriorityFeePerGas: GWEI }),
      ...tx,
    } as TransactionSerializable);

  const fx: RpcChain = {
    chain,
    test,
    url,
    wsUrl,
    devAccounts: dev,
    accounts,
    viemChain,
    produce: () => test.produce(),
    publicClient: () =>
      createPublicClient({ chain: viemChain, transport: http(url, { retryCount: 0 }), pollingInterval: 50 }),
    walletClient: (i) =>
      createWalletClient({
        chain: viemChain,
        transport: http(url, { retryCount: 0 }),
        account: accounts[i]!,
      }),
    post,
    request,
    async call<T>(method: string, params: unknown[] = []) {
      const body = await request(method, params);
      if (body.error) throw new Error(`${method} failed: ${body.error.code} ${body.error.message}`);
      return body.result as T;
    },
    async error(method: string, params: unknown[] = []) {
      const body = await request(method, params);
      if (!body.error) throw new Error(`${method} succeeded with ${JSON.stringify(body.result)}`);
      return body.error;
    },
    sign,
    async send(index, tx) {
      return fx.call<Hex>('eth_sendRawTransaction', [await sign(index, tx)]);
    },
    async stop() {
      await server.stop();
      await test.close();
    },
  };
  return fx;
}

/** Hex quantity of a bigint or number, as the node writes it. */
export const hex = (n: bigint | number): Hex => `0x${n.toString(16)}`;

/** Ethereum's 2048-bit log bloom (yellow paper 4.3.1), written independently of core/bloom.ts. */
export function ethBloom(logs: readonly { address: string; topics: readonly string[] }[]): Hex {
  const bloom = new Uint8Array(256);
  for (const log of logs) {
    for (const item of [log.address, ...log.topics]) {
      const h = Buffer.from(keccak256(Buffer.from(item.slice(2), 'hex')));
      for (let i = 0; i < 6; i += 2) {
        const bit = ((h[i]! << 8) | h[i + 1]!) & 2047;
        bloom[255 - (bit >> 3)]! |= 1 << (bit & 7);
      }
    }
  }
  return `0x${Buffer.from(bloom).toString('hex')}`;
}

export interface SampleBlocks {
  /** Raw transactions of block 1 by sender index 0, 1, 2; block 3 has `later`. */
  readonly block1: readonly Hex[];
  readonly later: Hex;
  readonly hashes: readonly Hex[];
}

/**
 * The chain the block tests read: block 1 with an EIP-1559 transfer, a legacy transfer and a module
 * call that logs; block 2 empty; block 3 with one transfer. Block i is at genesis time + i seconds.
 */
export async function sampleBlocks(fx: RpcChain): Promise<SampleBlocks> {
  const block1 = [
    await fx.sign(0, { nonce: 0, value: 1000n }),
    await fx.sign(1, { nonce: 0, type: 'legacy', gasPrice: 3n * GWEI, value: 2000n }),
    await fx.sign(2, { nonce: 0, to: PING_MODULE, data: '0xc0ffee', gas: 60_000n }),
  ];
  for (const raw of block1) await fx.call('eth_sendRawTransaction', [raw]);
  const hashes = [(await fx.produce()).hash];
  hashes.push((await fx.produce()).hash);
  const later = await fx.sign(0, { nonce: 1 });
  await fx.call('eth_sendRawTransaction', [later]);
  hashes.push((await fx.produce()).hash);
  return { block1, later, hashes };
}
