// eth_newBlockFilter: eth_getFilterChanges returns the hashes of the blocks committed since the
// previous poll, oldest first, each once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RpcChain, startRpcChain } from './fixture.ts';

describe('eth_newBlockFilter', () => {
  let fx: RpcChain;
  beforeAll(async () => {
    fx = await startRpcChain();
  });
  afterAll(() => fx.stop());

  it('viem block filter: new block hashes since the last poll', async () => {
    await fx.produce(); // before the filter
    const client = fx.publicClient();
    const filter = await client.createBlockFilter();
    expect(filter.type).toBe('block');
    expect(await client.getFilterChanges({ filter })).toEqual([]);

    const hashes = [(await fx.produce()).hash, (await fx.produce()).hash];
    expect(await client.getFilterChanges({ filter })).toEqual(hashes);
    expect(await client.getFilterChanges({ filter })).toEqual([]);
    const third = (await fx.produce()).hash;
    expect(await client.getFilterChanges({ filter })).toEqual([third]);
    // The hashes are the blocks' own.
    const block = await client.getBlock({ blockHash: third });
    expect(block.number).toBe(4n);
  });

  it('takes no parameters', async () => {
    expect(await fx.error('eth_newBlockFilter', [{}])).toEqual({
      code: -32602,
      message: 'too many arguments, want at most 0',
    });
  });
});
