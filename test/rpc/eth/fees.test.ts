// Fee suggestions and history: eth_gasPrice, eth_maxPriorityFeePerGas, eth_feeHistory.
// One describe per method (the ethereumjs client's one-spec-per-method layout, grouped by family:
// each vitest file costs a second or more of module loading, and 28 files took test/rpc far
// past its time budget).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BLOCK_GAS_LIMIT,
  GWEI,
  hex,
  MIN_BASE_FEE,
  PING_MODULE,
  type RpcChain,
  startRpcChain,
} from './fixture.ts';

// eth_gasPrice: the next block's base fee plus the suggested tip (the 60th gas-weighted percentile of
// the tips paid in the last 20 blocks), so a legacy transaction at this price is included.
describe('eth_gasPrice', () => {
  let fx: RpcChain;
  beforeAll(async () => {
    fx = await startRpcChain();
  });
  afterAll(() => fx.stop());

  it('on an idle chain: the base fee floor and no tip', async () => {
    expect(await fx.call('eth_gasPrice')).toBe(hex(MIN_BASE_FEE));
    await fx.produce();
    expect(await fx.call('eth_gasPrice')).toBe(hex(MIN_BASE_FEE));
    expect(await fx.publicClient().getGasPrice()).toBe(MIN_BASE_FEE);
  });

  it('after paid tips: base fee + 60th percentile tip', async () => {
    // Tips of 1, 2 and 3 gwei at 21,000 gas each: 60% of 63,000 gas is reached in the second.
    await fx.send(0, { nonce: 0, maxFeePerGas: 10n * GWEI, maxPriorityFeePerGas: 1n * GWEI });
    await fx.send(1, { nonce: 0, maxFeePerGas: 10n * GWEI, maxPriorityFeePerGas: 3n * GWEI });
    // Legacy: the tip is gasPrice - baseFee = 2 gwei.
    await fx.send(2, { nonce: 0, gasPrice: 3n * GWEI });
    await fx.produce();
    expect(await fx.call('eth_gasPrice')).toBe(hex(MIN_BASE_FEE + 2n * GWEI));
  });

  it('the tips of blocks older than the last 20 no longer count', async () => {
    for (let i = 0; i < 19; i++) await fx.produce();
    expect(await fx.call('eth_gasPrice')).toBe(hex(MIN_BASE_FEE + 2n * GWEI));
    await fx.produce();
    expect(await fx.call('eth_gasPrice')).toBe(hex(MIN_BASE_FEE));
  });

  it('rejects parameters', async () => {
    expect(await fx.error('eth_gasPrice', ['latest'])).toMatchObject({ code: -32602 });
  });
});

// eth_maxPriorityFeePerGas: the suggested tip, the 60th gas-weighted percentile of the tips paid
// in the last 20 blocks; zero on an idle chain.
describe('eth_maxPriorityFeePerGas', () => {
  let fx: RpcChain;
  beforeAll(async () => {
    fx = await startRpcChain();
  });
  afterAll(() => fx.stop());

  it('is 0x0 on an idle chain', async () => {
    expect(await fx.call('eth_maxPriorityFeePerGas')).toBe('0x0');
    await fx.produce();
    expect(await fx.call('eth_maxPriorityFeePerGas')).toBe('0x0');
  });

  it('is the 60th gas-weighted percentile of recent tips', async () => {
    await fx.send(0, { nonce: 0, maxFeePerGas: 10n * GWEI, maxPriorityFeePerGas: 1n * GWEI });
    await fx.send(1, { nonce: 0, maxFeePerGas: 10n * GWEI, maxPriorityFeePerGas: 4n * GWEI });
    await fx.produce();
    // Two samples of 21,000 gas: 60% of 42,000 is 25,200, reached by the second (4 gwei).
    expect(await fx.call('eth_maxPriorityFeePerGas')).toBe(hex(4n * GWEI));
    // A third, cheap one in the next block: sorted 1, 1, 4; 60% of 63,000 = 37,800 -> the second.
    await fx.send(2, { nonce: 0, maxFeePerGas: 10n * GWEI, maxPriorityFeePerGas: 1n * GWEI });
    await fx.produce();
    expect(await fx.call('eth_maxPriorityFeePerGas')).toBe(hex(1n * GWEI));
  });

  it('viem uses it for EIP-1559 fee estimates', async () => {
    const client = fx.publicClient();
    expect(await client.estimateMaxPriorityFeePerGas()).toBe(1n * GWEI);
  });

  it('rejects parameters', async () => {
    expect(await fx.error('eth_maxPriorityFeePerGas', [1])).toMatchObject({ code: -32602 });
  });
});

// eth_feeHistory: per block of a range ending at `newest`, the base fee (plus the next block's),
// the gas used ratio, and the gas-weighted percentiles of the tips paid.
const B = hex(MIN_BASE_FEE);
const ratio = (gas: bigint) => Number(gas) / Number(BLOCK_GAS_LIMIT);
/** A module call with 2 non-zero calldata bytes: 21,000 + 2 * 16 + the module's 5,000. */
const CALL_GAS = 26_032n;

describe('eth_feeHistory', () => {
  let fx: RpcChain;
  beforeAll(async () => {
    fx = await startRpcChain();
    // Block 1: tips 1, 2, 3 gwei (EIP-1559) and 4 gwei (legacy at 5 gwei), 21,000 gas each.
    await fx.send(0, { nonce: 0, maxFeePerGas: 10n * GWEI, maxPriorityFeePerGas: 1n * GWEI });
    await fx.send(1, { nonce: 0, maxFeePerGas: 10n * GWEI, maxPriorityFeePerGas: 2n * GWEI });
    await fx.send(2, { nonce: 0, maxFeePerGas: 10n * GWEI, maxPriorityFeePerGas: 3n * GWEI });
    await fx.send(3, { nonce: 0, gasPrice: 5n * GWEI });
    await fx.produce();
    // Block 2: empty.
    await fx.produce();
    // Block 3: a tip capped by the max fee (1.2 gwei max fee at a 1 gwei base fee pays 0.2 gwei,
    // not the 1.1 gwei offered) and a 1 gwei tip on a 26,032-gas module call.
    await fx.send(0, {
      nonce: 1,
      maxFeePerGas: (12n * GWEI) / 10n,
      maxPriorityFeePerGas: (11n * GWEI) / 10n,
    });
    await fx.send(1, { nonce: 1, to: PING_MODULE, data: '0x0102', gas: 50_000n, maxPriorityFeePerGas: GWEI });
    await fx.produce();
  });
  afterAll(() => fx.stop());

  it('the last three blocks with reward percentiles', async () => {
    expect(await fx.call('eth_feeHistory', ['0x3', 'latest', [0, 25, 50, 100]])).toEqual({
      oldestBlock: '0x1',
      // One more than the block count: the last is the base fee of the block after the newest.
      baseFeePerGas: [B, B, B, B],
      gasUsedRatio: [ratio(84_000n), 0, ratio(21_000n + CALL_GAS)],
      reward: [
        [hex(GWEI), hex(GWEI), hex(2n * GWEI), hex(4n * GWEI)],
        ['0x0', '0x0', '0x0', '0x0'],
        [hex(GWEI / 5n), hex(GWEI / 5n), hex(GWEI), hex(GWEI)],
      ],
    });
  });

  it('without percentiles there is no reward field', async () => {
    const history = await fx.call<Record<string, unknown>>('eth_feeHistory', ['0x2', 'latest']);
    expect(history).toEqual({
      oldestBlock: '0x2',
      baseFeePerGas: [B, B, B],
      gasUsedRatio: [0, ratio(21_000n + CALL_GAS)],
    });
    expect(await fx.call('eth_feeHistory', ['0x2', 'latest', []])).toEqual({ ...history, reward: [[], []] });
  });

  it('newest by number and by tag', async () => {
    const byNumber = await fx.call<{ oldestBlock: string; baseFeePerGas: string[]; gasUsedRatio: number[] }>(
      'eth_feeHistory',
      ['0x2', '0x2', [50]],
    );
    expect(byNumber).toEqual({
      oldestBlock: '0x1',
      baseFeePerGas: [B, B, B],
      gasUsedRatio: [ratio(84_000n), 0],
      reward: [[hex(2n * GWEI)], ['0x0']],
    });
    for (const tag of ['pending', 'safe', 'finalized'])
      expect(await fx.call('eth_feeHistory', ['0x1', tag])).toEqual({
        oldestBlock: '0x3',
        baseFeePerGas: [B, B],
        gasUsedRatio: [ratio(21_000n + CALL_GAS)],
      });
    expect(await fx.call('eth_feeHistory', ['0x1', 'earliest'])).toEqual({
      oldestBlock: '0x0',
      baseFeePerGas: [B, B],
      gasUsedRatio: [0],
    });
  });

  it('a count beyond genesis is clipped: baseFeePerGas has one entry per block + 1', async () => {
    const history = await fx.call<{ oldestBlock: string; baseFeePerGas: string[]; gasUsedRatio: number[] }>(
      'eth_feeHistory',
      ['0x64', 'latest', [10]],
    );
    expect(history.oldestBlock).toBe('0x0');
    expect(history.baseFeePerGas).toHaveLength(5);
    expect(history.gasUsedRatio).toHaveLength(4);
  });

  it('a block count of zero returns empty lists', async () => {
    expect(await fx.call('eth_feeHistory', ['0x0', 'latest', [50]])).toMatchObject({
      baseFeePerGas: [],
      gasUsedRatio: [],
      reward: [],
    });
  });

  it('accepts the block count as a decimal number, as geth does', async () => {
    expect(await fx.call('eth_feeHistory', [2, 'latest'])).toEqual(
      await fx.call('eth_feeHistory', ['0x2', 'latest']),
    );
    expect(await fx.call('eth_feeHistory', ['2', 'latest'])).toEqual(
      await fx.call('eth_feeHistory', ['0x2', 'latest']),
    );
  });

  it('viem getFeeHistory and estimateFeesPerGas', async () => {
    const client = fx.publicClient();
    expect(await client.getFeeHistory({ blockCount: 3, rewardPercentiles: [25, 75] })).toEqual({
      oldestBlock: 1n,
      baseFeePerGas: [MIN_BASE_FEE, MIN_BASE_FEE, MIN_BASE_FEE, MIN_BASE_FEE],
      gasUsedRatio: [ratio(84_000n), 0, ratio(21_000n + CALL_GAS)],
      reward: [
        [GWEI, 3n * GWEI],
        [0n, 0n],
        [GWEI / 5n, GWEI],
      ],
    });
    // The suggested tip: 60% of all 131,032 gas of the window is reached at the 2 gwei tip; viem
    // adds it to 1.2 times the latest base fee.
    expect(await client.estimateFeesPerGas()).toEqual({
      maxPriorityFeePerGas: 2n * GWEI,
      maxFeePerGas: (12n * MIN_BASE_FEE) / 10n + 2n * GWEI,
    });
  });

  it('a newest block after the head is "header not found"', async () => {
    expect(await fx.error('eth_feeHistory', ['0x1', '0x4'])).toEqual({
      code: -32000,
      message: 'header not found',
    });
  });

  it('rejects bad percentiles and counts with -32602', async () => {
    const cases: [unknown[], string][] = [
      [['0x2', 'latest', [50, 10]], 'reward percentiles must be ascending'],
      [['0x2', 'latest', [101]], 'invalid argument 2'],
      [['0x2', 'latest', [-1]], 'invalid argument 2'],
      [['0x2', 'latest', ['50']], 'invalid argument 2'],
      [['0x2', 'latest', 50], 'invalid argument 2'],
      [['-0x1', 'latest'], 'invalid argument 0'],
      [[-1, 'latest'], 'invalid argument 0'],
      [[1.5, 'latest'], 'invalid argument 0'],
      [['0x2', 'newest'], 'invalid argument 1'],
      [['0x2'], 'missing value for required argument 1'],
    ];
    for (const [params, message] of cases) {
      const error = await fx.error('eth_feeHistory', params);
      expect(error.code, JSON.stringify(params)).toBe(-32602);
      expect(error.message, JSON.stringify(params)).toContain(message);
    }
  });
});
