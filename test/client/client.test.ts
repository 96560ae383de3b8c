// The typed client (`openchain/client`) against a real node: module functions through viem
// contracts, open_ methods through the actions, and the verifiers refusing a node that lies.

import {
  attributionContract,
  govContract,
  openActions,
  STAKING_ADDRESS,
  stakingContract,
  VerificationError,
  validatorsFromJson,
  verifyAccount,
  verifyBlockCommit,
} from 'openchain/client';
import {
  createPublicClient,
  createWalletClient,
  custom,
  type EIP1193RequestFn,
  http,
  parseEther,
} from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestNode, type TestNode } from '../helpers/node.ts';

describe('openchain/client', () => {
  let t: TestNode;
  const pub = () =>
    createPublicClient({ chain: t.viemChain, transport: http(t.url), pollingInterval: 50 }).extend(
      openActions,
    );
  const wallet = (i: number) =>
    createWalletClient({
      chain: t.viemChain,
      transport: http(t.url),
      account: privateKeyToAccount(t.accounts[i]!.privateKey),
    });

  beforeAll(async () => {
    t = await startTestNode();
  });
  afterAll(() => t.stop());

  it('writes and reads the attribution module through its ABI, and open_ JSON agrees', async () => {
    const attribution = attributionContract({ public: pub(), wallet: wallet(1) });
    const hash = await attribution.write.createDatanet(['papers', 'ipfs://p', 'CC-BY', 1, 7n]);
    expect((await pub().waitForTransactionReceipt({ hash })).status).toBe('success');

    const viaAbi = await attribution.read.getDatanet([1n]);
    expect(viaAbi).toMatchObject({ id: 1n, name: 'papers', policy: 1, bond: 7n });
    const viaOpen = await pub().getDatanet(1n);
    expect(viaOpen).toMatchObject({ id: '0x1', name: 'papers', policy: 'curated', bond: '0x7' });
    expect(viaOpen.owner).toBe(t.accounts[1]!.address);
    expect((await pub().attributionCounts()).datanets).toBe('0x1');
    expect(await pub().getEarnings({ datanet: 1n })).toBe('0x0');
  });

  it('delegates through the staking contract and shows it in open_getDelegator', async () => {
    const operator = t.accounts[0]!.address;
    const staking = stakingContract({ public: pub(), wallet: wallet(2) });
    const hash = await staking.write.delegate([operator], { value: parseEther('3') });
    expect((await pub().waitForTransactionReceipt({ hash })).status).toBe('success');
    const delegator = await pub().getDelegator(t.accounts[2]!.address);
    expect(delegator.delegations).toEqual([
      expect.objectContaining({ validator: operator, tokens: `0x${parseEther('3').toString(16)}` }),
    ]);
    expect((await pub().getValidator(operator))?.status).toBe('active');
    expect(await pub().getValidator(STAKING_ADDRESS)).toBeNull();
  });

  it('submits and votes through the governance contract; the live tally counts the vote', async () => {
    const gov = govContract({ public: pub(), wallet: wallet(1) });
    const submitted = await gov.write.submitText(['a signal', ''], { value: parseEther('100') });
    expect((await pub().waitForTransactionReceipt({ hash: submitted })).status).toBe('success');
    const id = await gov.read.proposalCount();
    const voted = await govContract({ public: pub(), wallet: wallet(0) }).write.vote([id, 1]);
    expect((await pub().waitForTransactionReceipt({ hash: voted })).status).toBe('success');
    // The operator's 10 OPEN, and the 3 OPEN delegated to it above, which follow its vote.
    expect(await gov.read.tally([id])).toMatchObject({ yes: parseEther('13'), no: 0n });
  });

  it('verifies a commit certificate and an account proof from the node', async () => {
    const head = await pub().getBlockNumber();
    const hash = await verifyBlockCommit(pub(), head, { chainId: 1337n });
    expect(hash).toBe((await pub().getBlock({ blockNumber: head })).hash);
    // Against a light client's trusted set: the genesis set signs here too.
    const trusted = validatorsFromJson(await pub().validatorSet(1n));
    await expect(verifyBlockCommit(pub(), head, { chainId: 1337n, trusted })).resolves.toBe(hash);
    // The wrong chain id: no signature verifies.
    await expect(verifyBlockCommit(pub(), head, { chainId: 1n })).rejects.toMatchObject({
      code: 'BAD_COMMIT',
    });

    const who = t.accounts[3]!.address;
    const proven = await verifyAccount(pub(), who, head);
    expect(proven.account?.balance).toBe(await pub().getBalance({ address: who, blockNumber: head }));
    const nobody = await verifyAccount(pub(), '0x00000000000000000000000000000000deadbeef', head);
    expect(nobody.account).toBeNull();
  });

  it('refuses what a lying node says', async () => {
    /** A client whose node rewrites one method's answer. */
    function lying(method: string, lie: (result: Record<string, unknown>) => Record<string, unknown>) {
      const honest = http(t.url)({ chain: t.viemChain });
      const request = (async (args: { method: string; params?: unknown }) => {
        const result = await honest.request(args as never);
        return args.method === method ? lie(result as Record<string, unknown>) : result;
      }) as EIP1193RequestFn;
      return createPublicClient({ chain: t.viemChain, transport: custom({ request }) });
    }
    const who = t.accounts[3]!.address;
    const head = await pub().getBlockNumber();
    const richer = lying('open_getProof', (p) => ({
      ...p,
      value: (p['value'] as string).replace(/.$/, (c) => (c === '0' ? '1' : '0')),
    }));
    await expect(verifyAccount(richer, who, head)).rejects.toMatchObject({ code: 'BAD_PROOF' });
    const otherRoot = lying('open_getProof', (p) => ({ ...p, stateRoot: `0x${'11'.repeat(32)}` }));
    await expect(verifyAccount(otherRoot, who, head)).rejects.toMatchObject({ code: 'ROOT_MISMATCH' });
    const otherKey = lying('open_getProof', (p) => ({ ...p, treeKey: `0x${'22'.repeat(32)}` }));
    await expect(verifyAccount(otherKey, who, head)).rejects.toBeInstanceOf(VerificationError);

    const forged = lying('open_getCommit', (c) => ({
      ...c,
      signatures: (c['signatures'] as { validator: string; signature: string }[]).map((s) => ({
        ...s,
        signature: `${s.signature.slice(0, -2)}${s.signature.endsWith('00') ? '01' : '00'}`,
      })),
    }));
    await expect(verifyBlockCommit(forged, head, { chainId: 1337n })).rejects.toMatchObject({
      code: 'BAD_COMMIT',
    });
    const otherBlock = lying('open_getCommit', (c) => ({ ...c, blockHash: `0x${'33'.repeat(32)}` }));
    await expect(verifyBlockCommit(otherBlock, head, { chainId: 1337n })).rejects.toMatchObject({
      code: 'COMMIT_MISMATCH',
    });
  });
});
