// Read-only execution: eth_call, eth_estimateGas.
// One describe per method (the ethereumjs client's one-spec-per-method layout, grouped by family:
// each vitest file costs a second or more of module loading, and 28 files took test/rpc far
// past its time budget).
import { encodeErrorResult, keccak256 } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BLOCK_GAS_LIMIT,
  hex,
  PING_FAIL,
  PING_GAS,
  PING_MODULE,
  type RpcChain,
  STRANGER,
  startRpcChain,
  TEST_BALANCE,
} from './fixture.ts';

/** Solidity's Error(string) with the ping module's code and reason, as viem encodes it. */
const PING_FAILED_REVERT = encodeErrorResult({
  abi: [{ type: 'error', name: 'Error', inputs: [{ type: 'string', name: 'message' }] }],
  errorName: 'Error',
  args: ['PING_FAILED: ping refused: dead calldata'],
});

// eth_call: read-only calls at the latest state. Module addresses answer with their view functions;
// any other address has no code, so a call to it returns empty data, as on Ethereum.
describe('eth_call', () => {
  let fx: RpcChain;
  let from: string;
  beforeAll(async () => {
    fx = await startRpcChain();
    from = fx.accounts[0]!.address;
    await fx.produce();
  });
  afterAll(() => fx.stop());

  it('a call to an address that is not a module returns 0x', async () => {
    expect(await fx.call('eth_call', [{ to: STRANGER }, 'latest'])).toBe('0x');
    expect(await fx.call('eth_call', [{ from, to: STRANGER, data: '0x70a08231' }, 'latest'])).toBe('0x');
    expect(await fx.call('eth_call', [{ from, to: fx.accounts[1]!.address, value: '0x1' }])).toBe('0x');
    expect(await fx.publicClient().call({ to: STRANGER, data: '0x70a08231' })).toEqual({ data: undefined });
  });

  it('a call to a module returns its view output', async () => {
    expect(await fx.call('eth_call', [{ from, to: PING_MODULE, data: '0x1234' }, 'latest'])).toBe(
      keccak256('0x1234'),
    );
    expect(await fx.call('eth_call', [{ to: PING_MODULE, input: '0x1234' }])).toBe(keccak256('0x1234'));
    expect(await fx.publicClient().call({ to: PING_MODULE, data: '0x1234' })).toEqual({
      data: keccak256('0x1234'),
    });
  });

  it('a failing module view is a revert: code 3 with Error(string) data naming the code and reason', async () => {
    expect(await fx.error('eth_call', [{ to: PING_MODULE, data: PING_FAIL }, 'latest'])).toEqual({
      code: 3,
      message: 'execution reverted: PING_FAILED: ping refused: dead calldata',
      data: PING_FAILED_REVERT,
    });
    // viem shows the code and reason.
    await expect(fx.publicClient().call({ to: PING_MODULE, data: PING_FAIL })).rejects.toMatchObject({
      shortMessage: 'Execution reverted with reason: PING_FAILED: ping refused: dead calldata.',
    });
  });

  it('a value above the balance is "insufficient funds"', async () => {
    expect(await fx.error('eth_call', [{ from, to: STRANGER, value: hex(TEST_BALANCE + 1n) }])).toEqual({
      code: -32000,
      message: `insufficient funds for transfer: address ${from.toLowerCase()} have ${TEST_BALANCE} want ${TEST_BALANCE + 1n}`,
    });
  });

  it('contract creation is refused', async () => {
    expect(await fx.error('eth_call', [{ from, data: '0x6080' }])).toEqual({
      code: -32000,
      message: 'contract creation is not supported: this chain has no EVM',
    });
  });

  it('block: latest, pending and the head by hash work; past blocks are refused; future ones not found', async () => {
    expect(await fx.call('eth_call', [{ to: STRANGER }, 'pending'])).toBe('0x');
    expect(await fx.call('eth_call', [{ to: STRANGER }, { blockHash: fx.chain.head.hash }])).toBe('0x');
    expect(await fx.error('eth_call', [{ to: STRANGER }, 'earliest'])).toEqual({
      code: -32000,
      message: 'calls at past blocks are not supported; use "latest"',
    });
    expect(await fx.error('eth_call', [{ to: STRANGER }, '0x5'])).toEqual({
      code: -32000,
      message: 'header not found',
    });
  });

  it('rejects malformed parameters with -32602', async () => {
    expect(await fx.error('eth_call', [])).toMatchObject({ code: -32602 });
    expect(await fx.error('eth_call', [{ to: STRANGER, data: '0x1' }])).toMatchObject({
      code: -32602,
      message: expect.stringContaining('invalid argument 0: data:'),
    });
    expect(await fx.error('eth_call', [{ to: STRANGER }, 'tomorrow'])).toMatchObject({
      code: -32602,
      message: expect.stringContaining('invalid argument 1'),
    });
  });
});

// eth_estimateGas: the gas a transaction would use at the latest state. Gas is a fixed schedule, so
// a transfer is exactly 21,000 and a module call is intrinsic gas plus what the module charges.
describe('eth_estimateGas', () => {
  let fx: RpcChain;
  let from: string;
  beforeAll(async () => {
    fx = await startRpcChain();
    from = fx.accounts[0]!.address;
    await fx.produce();
  });
  afterAll(() => fx.stop());

  it('a plain transfer is 21,000 gas, with or without sender, value and block', async () => {
    expect(await fx.call('eth_estimateGas', [{ from, to: STRANGER, value: '0x1' }])).toBe('0x5208');
    expect(await fx.call('eth_estimateGas', [{ from, to: STRANGER, value: '0x1' }, 'latest'])).toBe('0x5208');
    expect(await fx.call('eth_estimateGas', [{ to: STRANGER }])).toBe('0x5208');
    expect(await fx.call('eth_estimateGas', [{ from, to: STRANGER, data: '0x' }, 'pending'])).toBe('0x5208');
    expect(await fx.call('eth_estimateGas', [{ from, to: STRANGER, value: hex(TEST_BALANCE) }])).toBe(
      '0x5208',
    );
    expect(
      await fx.publicClient().estimateGas({ account: fx.accounts[0]!.address, to: STRANGER, value: 1n }),
    ).toBe(21_000n);
  });

  it('a module call: intrinsic gas (21,000 + 16 per non-zero and 4 per zero byte) plus the module', async () => {
    expect(await fx.call('eth_estimateGas', [{ from, to: PING_MODULE, data: '0x0100' }])).toBe(
      hex(21_000n + 16n + 4n + PING_GAS),
    );
    expect(await fx.call('eth_estimateGas', [{ from, to: PING_MODULE, input: '0x01' }])).toBe(
      hex(21_000n + 16n + PING_GAS),
    );
  });

  it('a gas cap below 21,000 is ignored, as geth does', async () => {
    expect(await fx.call('eth_estimateGas', [{ from, to: STRANGER, gas: '0x1' }])).toBe('0x5208');
  });

  it('a gas cap the call does not fit in is "gas required exceeds allowance"', async () => {
    expect(
      await fx.error('eth_estimateGas', [{ from, to: PING_MODULE, data: '0x01', gas: '0x5208' }]),
    ).toMatchObject({
      code: -32000,
      message: expect.stringContaining('gas required exceeds allowance (21000)'),
    });
  });

  it('a module call that fails is a revert (code 3) with the code and reason as Error(string)', async () => {
    expect(await fx.error('eth_estimateGas', [{ from, to: PING_MODULE, data: PING_FAIL }])).toEqual({
      code: 3,
      message: 'execution reverted: PING_FAILED: ping refused: dead calldata',
      data: PING_FAILED_REVERT,
    });
  });

  it('calldata to an ordinary address is refused: there is no EVM', async () => {
    const error = await fx.error('eth_estimateGas', [{ from, to: STRANGER, data: '0xa9059cbb' }]);
    expect(error.code).toBe(-32000);
    expect(error.message).toContain(`calldata sent to ${STRANGER}, which is not a module address`);
  });

  it('a value above the balance is "insufficient funds", not a revert', async () => {
    const error = await fx.error('eth_estimateGas', [{ from, to: STRANGER, value: hex(TEST_BALANCE + 1n) }]);
    expect(error).toEqual({
      code: -32000,
      message: `insufficient funds for transfer: address ${from.toLowerCase()} have ${TEST_BALANCE} want ${TEST_BALANCE + 1n}`,
    });
    // Without a sender, the zero address pays, and it has nothing.
    expect((await fx.error('eth_estimateGas', [{ to: STRANGER, value: '0x1' }])).message).toContain(
      'insufficient funds for transfer',
    );
    await expect(
      fx
        .publicClient()
        .estimateGas({ account: fx.accounts[0]!.address, to: STRANGER, value: TEST_BALANCE + 1n }),
    ).rejects.toThrow(/insufficient funds/i);
  });

  it('contract creation (no "to") is refused', async () => {
    expect(await fx.error('eth_estimateGas', [{ from, data: '0x6080' }])).toEqual({
      code: -32000,
      message: 'contract creation is not supported: this chain has no EVM',
    });
  });

  it('only the latest state: past blocks are refused, future ones not found', async () => {
    expect(await fx.error('eth_estimateGas', [{ from, to: STRANGER }, '0x0'])).toEqual({
      code: -32000,
      message: 'calls at past blocks are not supported; use "latest"',
    });
    expect(await fx.error('eth_estimateGas', [{ from, to: STRANGER }, '0x2'])).toEqual({
      code: -32000,
      message: 'header not found',
    });
  });

  it('rejects malformed call objects with -32602', async () => {
    const cases: [unknown[], string][] = [
      [[], 'missing value for required argument 0'],
      [['0x1234'], 'invalid argument 0: expected a transaction call object'],
      [[{ to: '0x12' }], 'invalid argument 0: to: expected a 20-byte hex address'],
      [[{ to: STRANGER, value: 5 }], 'invalid argument 0: value: expected hex quantity'],
      [
        [{ to: STRANGER, gas: '0x10000000000000000' }],
        'invalid argument 0: gas: hex quantity exceeds 64 bits',
      ],
      [[{ to: PING_MODULE, data: '0x01', input: '0x02' }], 'both "data" and "input" are set and differ'],
    ];
    for (const [params, message] of cases) {
      const error = await fx.error('eth_estimateGas', params);
      expect(error.code, JSON.stringify(params)).toBe(-32602);
      expect(error.message, JSON.stringify(params)).toContain(message);
    }
  });

  it('does not change state', async () => {
    expect(await fx.call('eth_getBalance', [from, 'latest'])).toBe(hex(TEST_BALANCE));
    expect(await fx.call('eth_getTransactionCount', [from, 'pending'])).toBe('0x0');
    expect(fx.chain.mempool.size).toBe(0);
    expect(BLOCK_GAS_LIMIT).toBe(fx.chain.params().blockGasLimit);
  });
});
