// open_ attribution methods: the module's records as JSON, agreeing with the ABI views over eth_call.
import { decodeFunctionResult, encodeFunctionData } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bytesToHex, hexToBytes } from '../../core/bytes.ts';
import { signTx } from '../../core/tx.ts';
import { connect, signerFrom } from '../../node/moduleClient.ts';
import { registerContributions } from '../../node/register.ts';
import { ATTRIBUTION_ADDRESS, attributionAbi } from '../../state/modules/attribution/abi.ts';
import { startTestNode, type TestNode } from '../helpers/node.ts';

describe('open_ attribution methods', () => {
  let t: TestNode;
  let nonce = 0n;

  async function call<T>(
    method: string,
    params: unknown[] = [],
  ): Promise<{ result?: T; error?: { code: number; message: string } }> {
    const res = await fetch(t.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
    });
    return (await res.json()) as { result?: T; error?: { code: number; message: string } };
  }

  async function send(data: `0x${string}`, value = 0n) {
    const tx = signTx(
      {
        type: 2,
        chainId: 1337n,
        nonce: nonce++,
        maxFeePerGas: 10n ** 11n,
        maxPriorityFeePerGas: 0n,
        gasLimit: 5_000_000n,
        to: ATTRIBUTION_ADDRESS,
        value,
        data: hexToBytes(data),
        accessList: [],
      },
      hexToBytes(t.accounts[0]!.privateKey),
    );
    await call('eth_sendRawTransaction', [bytesToHex(tx.raw)]);
    return t.publicClient().waitForTransactionReceipt({ hash: tx.hash });
  }

  beforeAll(async () => {
    t = await startTestNode();
    await send(
      encodeFunctionData({
        abi: attributionAbi,
        functionName: 'createDatanet',
        args: ['docs', 'ipfs://d', 'CC-BY', 0, 0n],
      }),
    );
    const content = new TextEncoder().encode('the quick brown fox '.repeat(20));
    const signer = signerFrom(t.accounts[0]!.privateKey);
    const file = { datanetId: 1n, content, chunkSize: 256, what: 'fox' };
    await registerContributions(connect(t.url), signer, [file], 0n, 60_000);
    // The registration sent its own commit and reveal: later sends continue after them.
    nonce = BigInt(await t.publicClient().getTransactionCount({ address: t.accounts[0]!.address }));
  });

  afterAll(() => t.stop());

  it('returns a Datanet as JSON with names for enums, equal to the ABI view', async () => {
    const { result } = await call<Record<string, unknown>>('open_getDatanet', ['0x1']);
    expect(result).toMatchObject({
      id: '0x1',
      name: 'docs',
      metadataURI: 'ipfs://d',
      license: 'CC-BY',
      policy: 'open',
      bond: '0x0',
      owner: t.accounts[0]!.address,
      earned: '0x0',
    });
    const viaCall = await call<`0x${string}`>('eth_call', [
      {
        to: ATTRIBUTION_ADDRESS,
        data: encodeFunctionData({ abi: attributionAbi, functionName: 'getDatanet', args: [1n] }),
      },
      'latest',
    ]);
    const decoded = decodeFunctionResult({
      abi: attributionAbi,
      functionName: 'getDatanet',
      data: viaCall.result!,
    }) as { name: string; owner: string };
    expect(decoded.name).toBe(result!['name']);
    expect(decoded.owner.toLowerCase()).toBe(result!['owner']);
  });

  it('returns contributions, counts, params and earnings', async () => {
    const { result: c } = await call<Record<string, unknown>>('open_getContribution', ['0x1']);
    expect(c).toMatchObject({
      id: '0x1',
      datanetId: '0x1',
      contributor: t.accounts[0]!.address,
      status: 'accepted',
      size: '0x190',
    });
    expect((await call('open_attributionCounts')).result).toEqual({
      datanets: '0x1',
      contributions: '0x1',
      models: '0x0',
      inferences: '0x0',
    });
    expect((await call<Record<string, unknown>>('open_attributionParams')).result).toMatchObject({
      chunkSize: 256,
    });
    expect((await call('open_getEarnings', [{ contributor: t.accounts[0]!.address }])).result).toBe('0x0');
    expect((await call('open_getEarnings', [{ datanet: '0x1' }])).result).toBe('0x0');
    expect((await call('open_getEarningsByRole', [t.accounts[0]!.address])).result).toEqual({
      modelOwner: '0x0',
      baseModelOwner: '0x0',
      contributor: '0x0',
      validator: '0x0',
      treasury: '0x0',
      datanetOwner: '0x0',
      challenger: '0x0',
    });
  });

  it('returns an inference with its escrow: pool, window, canonical attribution, settlement', async () => {
    const fn = (functionName: string, args: readonly unknown[]) =>
      encodeFunctionData({ abi: attributionAbi, functionName, args } as Parameters<
        typeof encodeFunctionData
      >[0]);
    const split = { ownerBps: 5_000, contributorsBps: 3_000, validatorsBps: 1_000, treasuryBps: 1_000 };
    const params = (await call<Record<string, string>>('open_attributionParams', [])).result!;
    // The genesis floor of a model's fee: 1 gwei.
    const fee = BigInt(params.minFeePerInference!);
    await send(fn('registerModel', ['m', '', [1n], 0n, fee, 0n, split]));
    await send(fn('postAttributionBond', [1n]), BigInt(params.minAttributionBond!));
    const receipt = await send(fn('recordInference', [1n, '0x6869', []]), fee);
    expect(receipt.status).toBe('success');
    const { result } = await call<Record<string, unknown>>('open_getInference', ['0x1']);
    expect(result).toMatchObject({
      modelId: '0x1',
      fee: `0x${fee.toString(16)}`,
      escrow: {
        recorder: t.accounts[0]!.address.toLowerCase(),
        pool: `0x${((fee * 3_000n) / 10_000n).toString(16)}`,
        windowEnd: `0x${(receipt.blockNumber + BigInt(params.challengeWindowBlocks!)).toString(16)}`,
        segments: [],
        attributedBytes: 0,
        challenges: 0,
        slashed: '0x0',
        settled: false,
        payouts: [],
      },
    });
  });

  it('names unknown ids and bad parameters', async () => {
    expect((await call('open_getModel', ['0x9'])).error).toMatchObject({
      code: -32000,
      message: expect.stringMatching(/unknown model 9/),
    });
    expect((await call('open_getInference', ['0x9'])).error).toMatchObject({
      code: -32000,
      message: expect.stringMatching(/unknown inference 9/),
    });
    expect((await call('open_getEarnings', [{ nobody: 1 }])).error).toMatchObject({ code: -32602 });
    expect((await call('open_getEarningsByRole', ['alice'])).error).toMatchObject({ code: -32602 });
  });
});
