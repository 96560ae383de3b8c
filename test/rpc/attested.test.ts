// open_getAttestedInference and open_getAttestations on a real node, through viem and the client's
// open actions: an attested record before any attestation, then after the node's validator (the
// first dev account operates it) commits, reveals and the record settles, and the errors.
import { encodeFunctionData, type Hex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openActions } from '../../client/open.ts';
import { connect, signerFrom } from '../../node/moduleClient.ts';
import { registerContributions } from '../../node/register.ts';
import { ATTRIBUTION_ADDRESS, attributionAbi } from '../../state/modules/attribution/abi.ts';
import { attestationCommitment } from '../../state/modules/attribution/index.ts';
import { startTestNode, type TestNode } from '../helpers/node.ts';

const SALT = `0x${'5a'.repeat(32)}` as Hex;
const hex = (n: bigint) => `0x${n.toString(16)}`;

describe('open_ attested-record methods', () => {
  let t: TestNode;
  let fee: bigint;
  let id: bigint;

  function client() {
    return t.publicClient().extend(openActions);
  }

  async function send(functionName: string, args: readonly unknown[], value = 0n) {
    const data = encodeFunctionData({ abi: attributionAbi, functionName, args } as Parameters<
      typeof encodeFunctionData
    >[0]);
    const hash = await t.walletClient(0).sendTransaction({
      chain: t.viemChain,
      account: privateKeyToAccount(t.accounts[0]!.privateKey),
      to: ATTRIBUTION_ADDRESS,
      data,
      value,
    });
    const receipt = await client().waitForTransactionReceipt({ hash, pollingInterval: 50 });
    expect(receipt.status).toBe('success');
    return receipt;
  }

  async function untilAfter(height: bigint) {
    while ((await client().getBlockNumber({ cacheTime: 0 })) <= height)
      await new Promise((r) => setTimeout(r, 50));
  }

  beforeAll(async () => {
    t = await startTestNode();
    await send('createDatanet', ['docs', '', '', 0, 0n]);
    const content = new TextEncoder().encode('the quick brown fox '.repeat(20));
    await registerContributions(
      connect(t.url),
      signerFrom(t.accounts[0]!.privateKey),
      [{ datanetId: 1n, content, chunkSize: 256, what: 'fox' }],
      0n,
      60_000,
    );
    const params = await client().attributionParams();
    fee = BigInt(params.minFeePerInference);
    const split = { ownerBps: 5_000, contributorsBps: 3_000, validatorsBps: 1_000, treasuryBps: 1_000 };
    await send('registerModel', ['m', '', [1n], 0n, fee, 0n, split]);
    await send('postAttributionBond', [1n], BigInt(params.minAttributionBond));
  }, 90_000);

  afterAll(() => t.stop());

  it('returns a new attested record and its empty attestations', async () => {
    const receipt = await send('recordAttestedInference', [1n, '0x6869', [1n], [8_000]], fee);
    id = 1n;
    const record = await client().getAttestedInference(id);
    expect(record).toMatchObject({
      id: '0x1',
      modelId: '0x1',
      recorder: t.accounts[0]!.address.toLowerCase(),
      height: hex(receipt.blockNumber),
      outputBytes: 2,
      candidates: ['0x1'],
      claimedScores: [8_000],
      commitEnd: hex(receipt.blockNumber + 10n),
      revealEnd: hex(receipt.blockNumber + 20n),
      pool: hex((fee * 3_000n) / 10_000n),
      validatorsPool: hex((fee * 1_000n) / 10_000n),
      settled: false,
      quorumReached: false,
      consensusScores: [],
      payouts: [],
    });
    expect(await client().getAttestations(id)).toEqual([
      {
        validator: t.accounts[0]!.address.toLowerCase(),
        power: record.totalPower,
        committed: false,
        revealed: false,
        scores: [],
        clippedScores: [],
        reward: '0x0',
      },
    ]);
  });

  it('returns the settlement: consensus scores, payouts by role name, the attester’s reward', async () => {
    const validator = t.accounts[0]!.address;
    await send('commitAttestation', [id, attestationCommitment(id, validator, [6_000], SALT)]);
    const before = await client().getAttestedInference(id);
    await untilAfter(BigInt(before.commitEnd));
    await send('revealAttestation', [id, [6_000], SALT]);
    await untilAfter(BigInt(before.revealEnd));
    await send('settleAttestedInference', [id]);
    const validatorsPool = hex((fee * 1_000n) / 10_000n);
    expect(await client().getAttestedInference(id)).toMatchObject({
      settled: true,
      quorumReached: true,
      consensusScores: [6_000],
      revealedPower: before.totalPower,
      payouts: [
        { role: 'contributor', refId: '0x1', recipient: validator.toLowerCase(), amount: before.pool },
        { role: 'validator', refId: '0x0', recipient: validator.toLowerCase(), amount: validatorsPool },
      ],
    });
    expect(await client().getAttestations(id)).toEqual([
      expect.objectContaining({
        committed: true,
        revealed: true,
        scores: [6_000],
        clippedScores: [6_000],
        reward: validatorsPool,
      }),
    ]);
  }, 60_000);

  it('shows an attested record in open_getInference too (one id space), with its attested part', async () => {
    const inference = await client().request({
      method: 'open_getInference' as never,
      params: ['0x1'] as never,
    });
    expect(inference).toMatchObject({
      id: '0x1',
      spans: [],
      attributedBytes: 0,
      attested: { candidates: ['0x1'], consensusScores: [6_000], settled: true },
    });
    expect(inference).not.toHaveProperty('escrow');
  });

  it('names ids that are not attested records, and bad parameters', async () => {
    const call = (method: string, params: unknown[]) =>
      fetch(t.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
      }).then((r) => r.json() as Promise<{ error?: { code: number; message: string } }>);
    expect((await call('open_getAttestedInference', ['0x9'])).error).toMatchObject({
      code: -32000,
      message: expect.stringMatching(/inference 9 is not an attested record/),
    });
    expect((await call('open_getAttestations', ['0x9'])).error).toMatchObject({ code: -32000 });
    expect((await call('open_getAttestations', ['nine'])).error).toMatchObject({ code: -32602 });
  });
});
