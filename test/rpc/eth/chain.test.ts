// Chain identity and progress: eth_chainId, eth_blockNumber, eth_syncing, eth_accounts.
// One describe per method (the ethereumjs client's one-spec-per-method layout, grouped by family:
// each vitest file costs a second or more of module loading, and 28 files took test/rpc far
// past its time budget).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHAIN_ID, type RpcChain, startRpcChain } from './fixture.ts';

// One chain for all: eth_blockNumber's test commits blocks; the others hold at any height.
let fx: RpcChain;
beforeAll(async () => {
  fx = await startRpcChain();
});
afterAll(() => fx.stop());

// eth_blockNumber: the height of the last committed block.
describe('eth_blockNumber', () => {
  it('is 0x0 on a chain that has only its genesis block', async () => {
    expect(await fx.call('eth_blockNumber')).toBe('0x0');
  });

  it('follows each committed block', async () => {
    await fx.produce();
    expect(await fx.call('eth_blockNumber')).toBe('0x1');
    for (let i = 0; i < 16; i++) await fx.produce();
    expect(await fx.call('eth_blockNumber')).toBe('0x11');
    expect(await fx.publicClient().getBlockNumber({ cacheTime: 0 })).toBe(17n);
  });

  it('rejects parameters', async () => {
    expect(await fx.error('eth_blockNumber', ['latest'])).toEqual({
      code: -32602,
      message: 'too many arguments, want at most 0',
    });
  });
});

// eth_chainId: the genesis chain id as a hex quantity; takes no parameters.
describe('eth_chainId', () => {
  it('returns the genesis chain id as a hex quantity', async () => {
    expect(await fx.call('eth_chainId')).toBe('0x539');
    expect(await fx.publicClient().getChainId()).toBe(CHAIN_ID);
  });

  it('rejects parameters', async () => {
    expect(await fx.error('eth_chainId', ['latest'])).toEqual({
      code: -32602,
      message: 'too many arguments, want at most 0',
    });
  });
});

// eth_syncing: false when the node is not catching up (a single validator never is).
describe('eth_syncing', () => {
  it('returns false', async () => {
    expect(await fx.call('eth_syncing')).toBe(false);
    await fx.produce();
    expect(await fx.call('eth_syncing')).toBe(false);
  });

  it('rejects parameters', async () => {
    expect(await fx.error('eth_syncing', [true])).toMatchObject({ code: -32602 });
  });
});

// eth_accounts: the node holds no user keys, so the list is empty; wallets sign themselves.
describe('eth_accounts', () => {
  it('returns an empty list even with funded accounts in the genesis', async () => {
    expect(await fx.call('eth_accounts')).toEqual([]);
    expect(await fx.walletClient(0).getAddresses()).toEqual([fx.accounts[0]!.address]);
  });

  it('rejects parameters', async () => {
    expect(await fx.error('eth_accounts', ['0x0'])).toMatchObject({ code: -32602 });
  });
});
