// open_ governance methods on an in-process node: a proposal submitted and voted on with viem, read
// back as JSON that agrees with the module's views over eth_call.
import { encodeFunctionData } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GOV_ADDRESS, govAbi } from '../../../state/modules/gov/index.ts';
import { startTestNode, type TestNode } from '../../helpers/node.ts';

const OPEN = 10n ** 18n;
// biome-ignore lint/suspicious/noExplicitAny: JSON answers are checked by shape
type Json = any;

describe('open_ governance methods', () => {
  let t: TestNode;
  const call = async (method: string, params: unknown[] = []) => {
    const res = await fetch(t.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
    });
    return (await res.json()) as { result?: Json; error?: { code: number; message: string } };
  };
  const send = async (from: number, functionName: string, args: readonly unknown[], value = 0n) => {
    const wallet = t.walletClient(from);
    const hash = await wallet.sendTransaction({
      chain: t.viemChain,
      account: wallet.account!,
      to: GOV_ADDRESS,
      data: encodeFunctionData({ abi: govAbi, functionName, args } as never),
      value,
    });
    return t.publicClient().waitForTransactionReceipt({ hash });
  };

  beforeAll(async () => {
    t = await startTestNode({ accounts: 2 });
    await send(1, 'submitText', ['first', 'a signal'], 100n * OPEN);
    const change = [{ module: 'attribution', key: 'minContributorsBps', value: '2000' }];
    await send(1, 'submitParamChange', ['second', '', change], 30n * OPEN);
    // Account 0 operates the only validator (10 OPEN of self-bond).
    await send(0, 'vote', [1n, 1]);
  }, 60_000);
  afterAll(() => t?.stop());

  it('open_getProposal: names, amounts as hex, the live tally and the deposits', async () => {
    const { result } = await call('open_getProposal', ['0x1']);
    expect(result).toMatchObject({
      id: '0x1',
      kind: 'text',
      status: 'voting',
      title: 'first',
      summary: 'a signal',
      proposer: t.accounts[1]!.address.toLowerCase(),
      totalDeposit: `0x${(100n * OPEN).toString(16)}`,
      voters: 1,
      tally: { yes: `0x${(10n * OPEN).toString(16)}`, no: '0x0', bonded: `0x${(10n * OPEN).toString(16)}` },
      deposits: [
        { depositor: t.accounts[1]!.address.toLowerCase(), amount: `0x${(100n * OPEN).toString(16)}` },
      ],
    });
    const viaCall = (await t.publicClient().readContract({
      address: GOV_ADDRESS,
      abi: govAbi,
      functionName: 'proposal',
      args: [1n],
    })) as { tally: { yes: bigint }; votingEndHeight: bigint };
    expect(BigInt(result.tally.yes)).toBe(viaCall.tally.yes);
    expect(BigInt(result.votingEndHeight)).toBe(viaCall.votingEndHeight);
  });

  it('open_getProposals: newest first, in pages below an id', async () => {
    const all = (await call('open_getProposals')).result as {
      id: number;
      status: string;
      changes: unknown[];
    }[];
    expect(all.map((p) => [p.id, p.status])).toEqual([
      ['0x2', 'deposit'],
      ['0x1', 'voting'],
    ]);
    expect(all[0]!.changes).toEqual([{ module: 'attribution', key: 'minContributorsBps', value: '2000' }]);
    expect(((await call('open_getProposals', ['0x2'])).result as { id: string }[]).map((p) => p.id)).toEqual([
      '0x1',
    ]);
  });

  it('open_getVotes and open_govParams', async () => {
    expect((await call('open_getVotes', ['0x1'])).result).toEqual([
      { voter: t.accounts[0]!.address.toLowerCase(), option: 'yes' },
    ]);
    expect((await call('open_govParams')).result).toMatchObject({
      minDeposit: `0x${(100n * OPEN).toString(16)}`,
      quorumBps: 3_340,
    });
  });

  it('answers null for an unknown proposal and refuses a malformed id', async () => {
    expect((await call('open_getProposal', ['0x63'])).result).toBeNull();
    expect((await call('open_getVotes', ['0x63'])).result).toBeNull();
    expect((await call('open_getProposal', ['one'])).error).toMatchObject({ code: -32602 });
  });
});
