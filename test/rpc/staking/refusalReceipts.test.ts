// The staking refusals the issue lists, sent with viem as any wallet would and mined: each fails in
// its receipt with its stable code (`errorCode`, and `failureReason` "CODE: message"), emits nothing,
// costs the sender only its fee and changes no staking record. A real Chain (four genesis
// validators, one jailed for downtime, one tombstoned for double signing) behind the real RPC server.
import { type Abi, createWalletClient, encodeFunctionData, type Hex, http } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Address } from '../../../core/address.ts';
import { bytesToHex } from '../../../core/bytes.ts';
import { ed25519Sign } from '../../../core/ed25519.ts';
import { generateValidatorKey } from '../../../node/keys.ts';
import { keyBindingMessage, STAKING_ADDRESS, stakingAbi } from '../../../state/modules/staking/index.ts';
import { readDelegation, readValidator } from '../../../state/modules/staking/store.ts';
import {
  consensusAddress,
  doubleVote,
  OPEN,
  openStakingChain,
  operator,
  operatorKey,
} from '../../state/modules/staking/endBlock/helpers.ts';
import { type RpcChain, startRpcChain } from '../eth/fixture.ts';

const DEAD: Address = '0x000000000000000000000000000000000000dead';

interface Case {
  readonly code: string;
  readonly reason: RegExp;
  /** Operator i (1-4) or the dev account 0 (a plain delegator). */
  readonly from: number | 'delegator';
  readonly functionName: string;
  readonly args: readonly unknown[];
  readonly value?: bigint;
  /**
   * False where eth_estimateGas cannot agree: it runs at the node's clock, and this chain's blocks
   * are a second apart from a genesis in the past, so a day of block time has passed for it.
   */
  readonly estimated?: false;
}

describe('staking refusals in receipts', () => {
  let fx: RpcChain;
  let delegator: Address;

  const walletOf = (from: Case['from']) =>
    createWalletClient({
      chain: fx.viemChain,
      transport: http(fx.url, { retryCount: 0 }),
      account: from === 'delegator' ? fx.accounts[0]! : privateKeyToAccount(bytesToHex(operatorKey(from))),
    });

  /** What a refused call must leave untouched: every validator's stake, status and commission, and the delegator's delegations. */
  const stakingRecords = () => {
    const state = fx.chain.state;
    return {
      validators: [1, 2, 3, 4].map((i) => {
        const v = readValidator(state, operator(i))!;
        return [
          v.tokens,
          v.delegatorShares,
          v.commissionBps,
          v.jailed,
          v.jailedUntil,
          v.tombstoned,
          v.moniker,
        ];
      }),
      delegations: [1, 2, 3, 4].map((i) => readDelegation(state, delegator, operator(i))?.shares),
    };
  };

  beforeAll(async () => {
    fx = await startRpcChain({
      accounts: 1,
      // Jailed for long enough that its unjail is still too early at the end of the test.
      open: (alloc) => openStakingChain({ alloc, stakingParams: { downtimeJailBlocks: 1_000 } }),
    });
    delegator = fx.accounts[0]!.address.toLowerCase() as Address;
    const tc = fx.test;
    // Validator 4 misses every block: jailed once its window (10 blocks) is full, at block 11.
    const absent = [consensusAddress(tc, 4)];
    for (let h = 1; h <= 11; h++) await tc.produce({ absent });
    // Validator 2 double-signed at height 2: tombstoned.
    await tc.produce({ absent, evidence: [doubleVote(tc.chain.chainId, tc.validatorKeys[1]!, 2)] });
    const hash = await fx.walletClient(0).sendTransaction({
      chain: fx.viemChain,
      account: fx.accounts[0]!,
      to: STAKING_ADDRESS,
      data: encodeFunctionData({ abi: stakingAbi as Abi, functionName: 'delegate', args: [operator(1)] }),
      value: OPEN,
    });
    await tc.produce({ absent });
    expect((await fx.publicClient().getTransactionReceipt({ hash })).status).toBe('success');
    expect(readValidator(fx.chain.state, operator(4))).toMatchObject({ jailed: true, tombstoned: false });
    expect(readValidator(fx.chain.state, operator(2))).toMatchObject({ tombstoned: true });
  }, 60_000);

  afterAll(() => fx?.stop());

  const takenKey = () => fx.test.validatorKeys[0]!;
  const fresh = generateValidatorKey();
  const cases = (): Case[] => [
    {
      code: 'UNKNOWN_VALIDATOR',
      reason: /no validator with operator 0x0+dead/,
      from: 'delegator',
      functionName: 'delegate',
      args: [DEAD],
      value: OPEN,
    },
    {
      code: 'VALIDATOR_TOMBSTONED',
      reason: /is tombstoned and takes no delegations/,
      from: 'delegator',
      functionName: 'delegate',
      args: [operator(2)],
      value: OPEN,
    },
    {
      code: 'INSUFFICIENT_DELEGATION',
      reason: /cannot undelegate 2000000000000000000/,
      from: 'delegator',
      functionName: 'undelegate',
      args: [operator(1), 2n * OPEN],
    },
    {
      code: 'CONSENSUS_KEY_IN_USE',
      reason: /is already bound to validator/,
      from: 'delegator',
      functionName: 'createValidator',
      args: [
        bytesToHex(takenKey().pubKey),
        bytesToHex(ed25519Sign(keyBindingMessage(1337n, delegator), takenKey().secretKey)),
        0,
        1_000,
        100,
        'copy',
        '',
      ],
      value: OPEN,
    },
    {
      code: 'BAD_KEY_SIGNATURE',
      reason: /keySignature is not the consensus key's signature/,
      from: 'delegator',
      // Signed for another operator: a binding cannot be replayed.
      functionName: 'createValidator',
      args: [
        bytesToHex(fresh.pubKey),
        bytesToHex(ed25519Sign(keyBindingMessage(1337n, operator(1)), fresh.secretKey)),
        0,
        1_000,
        100,
        'mine',
        '',
      ],
      value: OPEN,
    },
    {
      code: 'COMMISSION_ABOVE_MAX',
      reason: /commission 1001 bps is above the maximum 1000 bps/,
      from: 1,
      functionName: 'editValidator',
      args: [1_001, 'v0', ''],
    },
    {
      code: 'COMMISSION_CHANGE_TOO_FAST',
      reason: /at most 100 bps at a time, not 200/,
      from: 1,
      functionName: 'editValidator',
      args: [200, 'v0', ''],
    },
    {
      code: 'COMMISSION_CHANGE_TOO_FAST',
      reason: /it may change once per 86400000 ms of block time/,
      from: 3,
      functionName: 'editValidator',
      args: [100, 'v2', ''],
      estimated: false,
    },
    {
      code: 'STILL_JAILED',
      reason: /is jailed until height \d+; this is height \d+/,
      from: 4,
      functionName: 'unjail',
      args: [],
    },
    {
      code: 'VALIDATOR_TOMBSTONED',
      reason: /is tombstoned for ever/,
      from: 2,
      functionName: 'unjail',
      args: [],
    },
    { code: 'NOT_JAILED', reason: /is not jailed/, from: 1, functionName: 'unjail', args: [] },
  ];

  it('each fails with its code in the receipt, emits nothing, and changes nothing but the fee', async () => {
    const client = fx.publicClient();
    for (const c of cases()) {
      const wallet = walletOf(c.from);
      const data = encodeFunctionData({ abi: stakingAbi as Abi, functionName: c.functionName, args: c.args });
      const sender = wallet.account!.address;
      // eth_estimateGas refuses it already, with the same code (what the CLI shows before sending).
      if (c.estimated !== false)
        await expect(
          client.estimateGas({ account: sender, to: STAKING_ADDRESS, data, value: c.value }),
          c.code,
        ).rejects.toMatchObject({ shortMessage: expect.stringContaining(`reason: ${c.code}: `) });
      const records = stakingRecords();
      const balance = await client.getBalance({ address: sender });
      // A fixed gas limit skips the estimate, so the block is what refuses it.
      const hash: Hex = await wallet.sendTransaction({
        chain: fx.viemChain,
        account: wallet.account!,
        to: STAKING_ADDRESS,
        data,
        value: c.value ?? 0n,
        gas: 500_000n,
      });
      await fx.test.produce({ absent: [consensusAddress(fx.test, 4)] });
      const receipt = (await client.getTransactionReceipt({ hash })) as Awaited<
        ReturnType<typeof client.getTransactionReceipt>
      > & { errorCode?: string; failureReason?: string };
      expect(receipt.status, c.code).toBe('reverted');
      expect(receipt.errorCode, c.code).toBe(c.code);
      expect(receipt.failureReason, c.code).toMatch(new RegExp(`^${c.code}: .*${c.reason.source}`));
      expect(receipt.logs, c.code).toEqual([]);
      expect(await client.getBalance({ address: sender }), c.code).toBe(
        balance - receipt.gasUsed * receipt.effectiveGasPrice,
      );
      expect(stakingRecords(), c.code).toEqual(records);
    }
  });

  it('bonding more than the balance is refused before it reaches a block, as "insufficient funds"', async () => {
    const wallet = fx.walletClient(0);
    const balance = await fx.publicClient().getBalance({ address: delegator });
    const records = stakingRecords();
    await expect(
      wallet.sendTransaction({
        chain: fx.viemChain,
        account: fx.accounts[0]!,
        to: STAKING_ADDRESS,
        data: encodeFunctionData({ abi: stakingAbi as Abi, functionName: 'delegate', args: [operator(1)] }),
        value: balance,
        gas: 500_000n,
      }),
    ).rejects.toThrow(/insufficient funds/);
    expect(fx.chain.mempool.stats().pending).toBe(0);
    expect(stakingRecords()).toEqual(records);
    expect(await fx.publicClient().getBalance({ address: delegator })).toBe(balance);
  });
});
