// Account state at a block: eth_getBalance, eth_getTransactionCount, eth_getCode, eth_getStorageAt.
// One describe per method (the ethereumjs client's one-spec-per-method layout, grouped by family:
// each vitest file costs a second or more of module loading, and 28 files took test/rpc far
// past its time budget).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GWEI, hex, PING_MODULE, type RpcChain, STRANGER, startRpcChain, TEST_BALANCE } from './fixture.ts';

// eth_getBalance: an account's balance after a block, by tag, number or hash (EIP-1898). Past
// heights are read through the state tree at that block's root, so they keep their old values.
describe('eth_getBalance', () => {
  let fx: RpcChain;
  let sender: string;
  let genesisHash: string;
  let block1Hash: string;
  const value = 123_456_789n;
  // 21,000 gas at min(maxFee 3 gwei, base fee 1 gwei + tip 1 gwei).
  const fee = 21_000n * 2n * GWEI;

  beforeAll(async () => {
    fx = await startRpcChain();
    sender = fx.accounts[0]!.address;
    genesisHash = fx.chain.genesisHash;
    await fx.send(0, { nonce: 0, to: STRANGER, value });
    block1Hash = (await fx.produce()).hash;
    await fx.produce(); // an empty block 2: the head moves on, block 1's state must stay readable
  });
  afterAll(() => fx.stop());

  it('latest: the balance after the head block', async () => {
    expect(await fx.call('eth_getBalance', [sender, 'latest'])).toBe(hex(TEST_BALANCE - value - fee));
    expect(await fx.call('eth_getBalance', [STRANGER, 'latest'])).toBe(hex(value));
    expect(await fx.call('eth_getBalance', [fx.accounts[1]!.address, 'latest'])).toBe(hex(TEST_BALANCE));
  });

  it('an unused address has balance 0x0', async () => {
    expect(await fx.call('eth_getBalance', ['0x000000000000000000000000000000000000beef', 'latest'])).toBe(
      '0x0',
    );
  });

  it('at a past height shows the balance before the transfer', async () => {
    expect(await fx.call('eth_getBalance', [sender, '0x0'])).toBe(hex(TEST_BALANCE));
    expect(await fx.call('eth_getBalance', [STRANGER, '0x0'])).toBe('0x0');
    expect(await fx.call('eth_getBalance', [sender, '0x1'])).toBe(hex(TEST_BALANCE - value - fee));
    expect(await fx.call('eth_getBalance', [STRANGER, '0x1'])).toBe(hex(value));
  });

  it('earliest is the genesis state', async () => {
    expect(await fx.call('eth_getBalance', [sender, 'earliest'])).toBe(hex(TEST_BALANCE));
  });

  it('pending, safe and finalized are the head: blocks are final when committed', async () => {
    for (const tag of ['pending', 'safe', 'finalized'])
      expect(await fx.call('eth_getBalance', [sender, tag])).toBe(hex(TEST_BALANCE - value - fee));
  });

  it('the block parameter defaults to latest', async () => {
    expect(await fx.call('eth_getBalance', [sender])).toBe(hex(TEST_BALANCE - value - fee));
    expect(await fx.call('eth_getBalance', [sender, null])).toBe(hex(TEST_BALANCE - value - fee));
  });

  it('by block hash: EIP-1898 object and bare hash', async () => {
    expect(await fx.call('eth_getBalance', [sender, { blockHash: genesisHash }])).toBe(hex(TEST_BALANCE));
    expect(
      await fx.call('eth_getBalance', [sender, { blockHash: genesisHash, requireCanonical: true }]),
    ).toBe(hex(TEST_BALANCE));
    expect(await fx.call('eth_getBalance', [sender, genesisHash])).toBe(hex(TEST_BALANCE));
    expect(await fx.call('eth_getBalance', [STRANGER, block1Hash])).toBe(hex(value));
    expect(
      await fx.call('eth_getBalance', [
        STRANGER,
        { blockHash: block1Hash.toUpperCase().replace('0X', '0x') },
      ]),
    ).toBe(hex(value));
  });

  it('by EIP-1898 block number object', async () => {
    expect(await fx.call('eth_getBalance', [sender, { blockNumber: '0x0' }])).toBe(hex(TEST_BALANCE));
    expect(await fx.call('eth_getBalance', [sender, { blockNumber: 'earliest' }])).toBe(hex(TEST_BALANCE));
  });

  it('accepts checksummed and lowercase addresses alike', async () => {
    expect(await fx.call('eth_getBalance', [fx.accounts[1]!.address, 'latest'])).toBe(hex(TEST_BALANCE));
    expect(await fx.call('eth_getBalance', [fx.accounts[1]!.address.toLowerCase(), 'latest'])).toBe(
      hex(TEST_BALANCE),
    );
  });

  it('a block after the head is "header not found"', async () => {
    expect(await fx.error('eth_getBalance', [sender, '0x3'])).toEqual({
      code: -32000,
      message: 'header not found',
    });
    expect(await fx.error('eth_getBalance', [sender, { blockNumber: '0x100' }])).toEqual({
      code: -32000,
      message: 'header not found',
    });
  });

  it('an unknown block hash is "header not found"', async () => {
    const unknown = `0x${'ab'.repeat(32)}`;
    expect(await fx.error('eth_getBalance', [sender, unknown])).toEqual({
      code: -32000,
      message: 'header not found',
    });
    expect(await fx.error('eth_getBalance', [sender, { blockHash: unknown }])).toEqual({
      code: -32000,
      message: 'header not found',
    });
  });

  it('rejects malformed parameters with -32602', async () => {
    const cases: [unknown[], string][] = [
      [[], 'missing value for required argument 0'],
      [['0x1234', 'latest'], 'invalid argument 0: expected a 20-byte hex address'],
      [[sender, 'newest'], 'invalid argument 1: expected a hex block number or one of'],
      [[sender, '0x01'], 'invalid argument 1: block number "0x01" has leading zero digits'],
      [[sender, 1], 'invalid argument 1: expected a block number'],
      [
        [sender, { blockHash: genesisHash, blockNumber: '0x0' }],
        'cannot specify both blockHash and blockNumber',
      ],
      [[sender, { blockHash: '0x1234' }], 'invalid argument 1: expected a 32-byte block hash'],
      [[sender, { blockHash: genesisHash, requireCanonical: 'yes' }], 'requireCanonical must be a boolean'],
      [[sender, 'latest', 'extra'], 'too many arguments, want at most 2'],
    ];
    for (const [params, message] of cases) {
      const error = await fx.error('eth_getBalance', params);
      expect(error.code, JSON.stringify(params)).toBe(-32602);
      expect(error.message, JSON.stringify(params)).toContain(message);
    }
  });

  it('viem getBalance: by tag, number and hash', async () => {
    const client = fx.publicClient();
    expect(await client.getBalance({ address: sender as `0x${string}` })).toBe(TEST_BALANCE - value - fee);
    expect(await client.getBalance({ address: sender as `0x${string}`, blockNumber: 0n })).toBe(TEST_BALANCE);
    expect(await client.getBalance({ address: sender as `0x${string}`, blockTag: 'earliest' })).toBe(
      TEST_BALANCE,
    );
    expect(await client.getBalance({ address: STRANGER, blockNumber: 1n })).toBe(value);
  });
});

// eth_getTransactionCount: the account nonce after a block; with "pending", the next nonce counting
// the sender's executable transactions in the mempool (not the queued ones behind a nonce gap).
describe('eth_getTransactionCount', () => {
  let fx: RpcChain;
  let sender: string;
  beforeAll(async () => {
    fx = await startRpcChain();
    sender = fx.accounts[0]!.address;
  });
  afterAll(() => fx.stop());

  it('is 0x0 for a funded account that never sent, latest and pending alike', async () => {
    expect(await fx.call('eth_getTransactionCount', [sender, 'latest'])).toBe('0x0');
    expect(await fx.call('eth_getTransactionCount', [sender, 'pending'])).toBe('0x0');
    expect(await fx.call('eth_getTransactionCount', [STRANGER, 'pending'])).toBe('0x0');
  });

  it('pending counts pooled executable transactions, latest does not', async () => {
    for (const nonce of [0, 1, 2]) await fx.send(0, { nonce });
    expect(await fx.call('eth_getTransactionCount', [sender, 'latest'])).toBe('0x0');
    expect(await fx.call('eth_getTransactionCount', [sender, 'pending'])).toBe('0x3');
    // Nonce 5 waits behind the gap at 3 and 4: it is queued and does not move the pending nonce.
    await fx.send(0, { nonce: 5 });
    expect(await fx.call('eth_getTransactionCount', [sender, 'pending'])).toBe('0x3');
    // Filling the gap makes 3, 4 and 5 executable at once.
    await fx.send(0, { nonce: 3 });
    await fx.send(0, { nonce: 4 });
    expect(await fx.call('eth_getTransactionCount', [sender, 'pending'])).toBe('0x6');
    expect(
      await fx.publicClient().getTransactionCount({ address: fx.accounts[0]!.address, blockTag: 'pending' }),
    ).toBe(6);
    expect(await fx.publicClient().getTransactionCount({ address: fx.accounts[0]!.address })).toBe(0);
  });

  it('latest catches up when the block commits; past heights keep their nonce', async () => {
    await fx.produce();
    expect(await fx.call('eth_getTransactionCount', [sender, 'latest'])).toBe('0x6');
    expect(await fx.call('eth_getTransactionCount', [sender, 'pending'])).toBe('0x6');
    expect(await fx.call('eth_getTransactionCount', [sender, '0x1'])).toBe('0x6');
    expect(await fx.call('eth_getTransactionCount', [sender, '0x0'])).toBe('0x0');
    expect(await fx.call('eth_getTransactionCount', [sender, 'earliest'])).toBe('0x0');
    expect(await fx.call('eth_getTransactionCount', [sender, { blockHash: fx.chain.genesisHash }])).toBe(
      '0x0',
    );
    expect(await fx.call('eth_getTransactionCount', [sender, fx.chain.head.hash])).toBe('0x6');
    expect(await fx.call('eth_getTransactionCount', [sender])).toBe('0x6');
    // The recipient's nonce does not move: receiving is not sending.
    expect(await fx.call('eth_getTransactionCount', [STRANGER, 'latest'])).toBe('0x0');
  });

  it('pending after a block counts only what is still pooled', async () => {
    await fx.send(0, { nonce: 6 });
    expect(await fx.call('eth_getTransactionCount', [sender, 'latest'])).toBe('0x6');
    expect(await fx.call('eth_getTransactionCount', [sender, 'pending'])).toBe('0x7');
    expect(await fx.call('eth_getTransactionCount', [sender, { blockNumber: 'pending' }])).toBe('0x7');
  });

  it('a block after the head is "header not found"; bad parameters are -32602', async () => {
    expect(await fx.error('eth_getTransactionCount', [sender, '0x99'])).toEqual({
      code: -32000,
      message: 'header not found',
    });
    expect(await fx.error('eth_getTransactionCount', ['0xzz', 'latest'])).toMatchObject({ code: -32602 });
    expect(await fx.error('eth_getTransactionCount', [sender, 'next'])).toMatchObject({ code: -32602 });
  });
});

// eth_getCode: there is no EVM. Module addresses report one INVALID opcode (0xfe) so that wallets
// treat them as contracts; every other address has no code.
describe('eth_getCode', () => {
  let fx: RpcChain;
  beforeAll(async () => {
    fx = await startRpcChain();
    await fx.send(0, { nonce: 0 });
    await fx.produce();
  });
  afterAll(() => fx.stop());

  it('an account (funded, used, or never seen) has no code', async () => {
    for (const who of [fx.accounts[0]!.address, fx.accounts[1]!.address, STRANGER])
      expect(await fx.call('eth_getCode', [who, 'latest'])).toBe('0x');
    expect(await fx.publicClient().getCode({ address: STRANGER })).toBeUndefined();
  });

  it('a module address has the code 0xfe', async () => {
    expect(await fx.call('eth_getCode', [PING_MODULE, 'latest'])).toBe('0xfe');
    expect(await fx.call('eth_getCode', [PING_MODULE.toUpperCase().replace('0X', '0x')])).toBe('0xfe');
    expect(await fx.publicClient().getCode({ address: PING_MODULE })).toBe('0xfe');
  });

  it('at any committed block: numbers, tags and hashes', async () => {
    for (const block of ['0x0', '0x1', 'earliest', 'pending', 'safe', 'finalized', fx.chain.genesisHash])
      expect(await fx.call('eth_getCode', [PING_MODULE, block]), String(block)).toBe('0xfe');
    expect(await fx.call('eth_getCode', [STRANGER, { blockHash: fx.chain.genesisHash }])).toBe('0x');
  });

  it('a block after the head is "header not found"', async () => {
    expect(await fx.error('eth_getCode', [PING_MODULE, '0x2'])).toEqual({
      code: -32000,
      message: 'header not found',
    });
    expect(await fx.error('eth_getCode', [STRANGER, `0x${'42'.repeat(32)}`])).toEqual({
      code: -32000,
      message: 'header not found',
    });
  });

  it('rejects malformed parameters with -32602', async () => {
    expect(await fx.error('eth_getCode', [])).toMatchObject({ code: -32602 });
    expect(await fx.error('eth_getCode', ['0x1234'])).toMatchObject({ code: -32602 });
    expect(await fx.error('eth_getCode', [STRANGER, 'later'])).toMatchObject({ code: -32602 });
  });
});

// eth_getStorageAt: there is no contract storage, so every slot of every address reads as 32 zero
// bytes; the slot may be written short ("0x0"), as geth accepts and ethers sends.
const ZERO_WORD = `0x${'00'.repeat(32)}`;

describe('eth_getStorageAt', () => {
  let fx: RpcChain;
  beforeAll(async () => {
    fx = await startRpcChain();
    await fx.produce();
  });
  afterAll(() => fx.stop());

  it('every slot is zero: full-width and short slots, any address', async () => {
    for (const slot of [ZERO_WORD, `0x${'ff'.repeat(32)}`, '0x0', '0x1', '0x01', '0xabc', '0x']) {
      expect(await fx.call('eth_getStorageAt', [PING_MODULE, slot, 'latest']), slot).toBe(ZERO_WORD);
      expect(await fx.call('eth_getStorageAt', [STRANGER, slot]), slot).toBe(ZERO_WORD);
    }
    expect(await fx.publicClient().getStorageAt({ address: PING_MODULE, slot: '0x0' })).toBe(ZERO_WORD);
  });

  it('at past blocks and by hash', async () => {
    expect(await fx.call('eth_getStorageAt', [STRANGER, '0x0', '0x0'])).toBe(ZERO_WORD);
    expect(await fx.call('eth_getStorageAt', [STRANGER, '0x0', { blockHash: fx.chain.genesisHash }])).toBe(
      ZERO_WORD,
    );
  });

  it('a block after the head is "header not found"', async () => {
    expect(await fx.error('eth_getStorageAt', [STRANGER, '0x0', '0x2'])).toEqual({
      code: -32000,
      message: 'header not found',
    });
  });

  it('rejects malformed parameters with -32602', async () => {
    const cases: [unknown[], string][] = [
      [[STRANGER], 'missing value for required argument 1'],
      [
        [STRANGER, `0x${'00'.repeat(33)}`],
        'invalid argument 1: expected a storage slot (hex, at most 32 bytes)',
      ],
      [[STRANGER, '0xzz'], 'invalid argument 1: expected a storage slot'],
      [[STRANGER, 0], 'invalid argument 1: expected a storage slot (hex, at most 32 bytes), got a number'],
      [['0x12', '0x0'], 'invalid argument 0: expected a 20-byte hex address'],
    ];
    for (const [params, message] of cases) {
      const error = await fx.error('eth_getStorageAt', params);
      expect(error.code, JSON.stringify(params)).toBe(-32602);
      expect(error.message, JSON.stringify(params)).toContain(message);
    }
  });
});
