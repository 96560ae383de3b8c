// A governance change of the chain's own parameters on a real chain of four validators, followed by
// a second node (its own database, fed the committed blocks): the next block's header carries the
// new gas limit on both, and both mempools hold transactions to the new size limit, dropping the
// ones they held that no longer fit. The treasury is given in its EIP-55 checksummed form.
import { encodeFunctionData } from 'viem';
import { afterEach, describe, expect, it } from 'vitest';
import { type Address, addressFromPrivateKey, toChecksumAddress } from '../../../../core/address.ts';
import { hexToBytes } from '../../../../core/bytes.ts';
import { signTx } from '../../../../core/tx.ts';
import { readAccount } from '../../../../state/accounts.ts';
import type { Chain } from '../../../../state/chain.ts';
import { GOV_ADDRESS, govAbi, ProposalStatus, VoteOption } from '../../../../state/modules/gov/index.ts';
import { readParams } from '../../../../state/params.ts';
import type { TestChain } from '../../../helpers/chain.ts';
import { govCall, OPEN, onlyReceipt, openGovChain, operatorKey, proposal, userKey } from './helpers.ts';

let tc: TestChain;
afterEach(() => tc?.close());

const NEW_TREASURY: Address = '0x00000000000000000000000000000000000bee01';

/** A valid module call of about `bytes` bytes: a text proposal whose summary fills it. */
function bigCall(chain: Chain, key: Uint8Array, bytes: number) {
  const data = encodeFunctionData({
    abi: govAbi,
    functionName: 'submitText',
    args: ['big', 'x'.repeat(bytes)],
  });
  return signTx(
    {
      type: 2,
      chainId: 1337n,
      nonce: readAccount(chain.state, addressFromPrivateKey(key)).nonce,
      maxFeePerGas: 100n * 10n ** 9n,
      maxPriorityFeePerGas: 0n,
      gasLimit: 2_000_000n,
      to: GOV_ADDRESS,
      value: 100n * OPEN,
      data: hexToBytes(data),
      accessList: [],
    },
    key,
  );
}

describe('a governance change of the chain parameters', () => {
  it('moves the block gas limit, the size limit and the treasury on every node from the next block', async () => {
    tc = await openGovChain();
    const follower = await tc.follower();
    const produce = async () => {
      const info = await tc.produce();
      await follower.finalizeBlock(info.block, tc.chain.blocks.getCommit(info.block.header.height)!);
      return info;
    };
    // Held by the second node's pool (it never proposes): 5,000 bytes fit today's 128 KiB.
    const big = bigCall(follower, userKey(2), 5_000);
    await follower.checkTx(big.raw);
    expect(follower.mempool.has(big.hash)).toBe(true);

    const changes = [
      { module: 'chain', key: 'blockGasLimit', value: '30000000' },
      { module: 'chain', key: 'maxTxBytes', value: '4096' },
      { module: 'chain', key: 'treasury', value: toChecksumAddress(NEW_TREASURY) },
    ];
    await govCall(tc, userKey(1), 'submitParamChange', ['smaller blocks', '', changes], 100n * OPEN);
    expect(onlyReceipt(await produce()).status).toBe(1);
    for (const i of [1, 2, 3]) await govCall(tc, operatorKey(i), 'vote', [1n, VoteOption.yes]);
    await produce();
    while (tc.chain.head.header.height < 5) {
      const { block } = await produce();
      expect(block.header.gasLimit).toBe(1_000_000_000n);
    }
    expect(proposal(tc, 1).status).toBe(ProposalStatus.passed);
    for (const chain of [tc.chain, follower]) {
      expect(readParams(chain.state)).toMatchObject({
        blockGasLimit: 30_000_000n,
        maxTxBytes: 4_096,
        treasury: NEW_TREASURY,
      });
      expect(chain.head.hash).toBe(tc.chain.head.hash);
    }
    // The pooled transaction no block could include any more is gone; a new one is refused.
    expect(follower.mempool.has(big.hash)).toBe(false);
    for (const chain of [tc.chain, follower]) {
      await expect(chain.checkTx(bigCall(chain, userKey(2), 5_000).raw)).rejects.toMatchObject({
        code: 'OVERSIZED',
        message: expect.stringMatching(/limit 4096$/),
      });
      await chain.checkTx(bigCall(chain, userKey(2), 3_000).raw);
    }
    const { block } = await produce();
    expect(block.header.gasLimit).toBe(30_000_000n);
    expect(block.txs.map((raw) => raw.length < 4_096)).toEqual([true]);
  });
});
