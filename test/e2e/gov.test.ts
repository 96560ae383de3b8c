// Governance on a devnet of four validator processes, driven by the real CLI (`openchain gov ...`)
// with short periods set in the genesis: changes that would halt the chain (an empty validator set,
// a block gas limit below one transaction) are refused at submission; then seven proposals run at
// once through one voting period: a raise of attribution's minimum contributors' share passes and
// the next inference pays by the new rule on every node; a delegator overrides its validator's vote
// and the tally shows it; a vetoed proposal's deposit is burned; a treasury spend pays out; a
// lower block gas limit and maxTxBytes apply from the next block on every node (headers, and
// eth_sendRawTransaction refusing a larger transaction); of two changes each valid alone, the second
// fails at execution. The veto and the failure are events of the ending block on every node.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Abi, createWalletClient, encodeFunctionData, type Hex, http } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEV_CHAIN_ID } from '../../genesis/defaults.ts';
import { devAccounts } from '../../node/devAccounts.ts';
import { DEVNET_DEFAULTS } from '../../node/devnet.ts';
import { GOV_ADDRESS, govAbi } from '../../state/modules/gov/index.ts';
import { STAKING_ADDRESS, stakingAbi } from '../../state/modules/staking/index.ts';
import { viemChainFor } from '../helpers/node.ts';
import { cli, cliFails, rpc } from './cli.ts';
import { fillBlocks, startDevnet, type TestDevnet, waitFor, waitForHeight } from './devnet.ts';

const OPEN = 10n ** 18n;
const VALIDATORS = 4;
/**
 * The devnet makes blocks for transactions only, and while idle one every 3 s. The test sends 30
 * transactions while the proposals are open (the delegation and 6 submissions after the first,
 * 20 votes, the model's 3), so at least 50 blocks are left: over 2 minutes of idle blocks for the
 * votes to land however slowly a loaded machine runs them. The test then ends the period with
 * blocks of its own (fillBlocks) instead of waiting.
 */
const VOTING_PERIOD = 80;
const DEPOSIT = 10n * OPEN;
const FEE = OPEN;
/** owner, contributors, validators, treasury: contributors at today's floor (10%). */
const SPLIT = [6_000n, 1_000n, 1_000n, 2_000n] as const;

/** The funded dev accounts, the validators' operators, then the treasury (node/devnet.ts). */
const ACCOUNTS = devAccounts(DEVNET_DEFAULTS.accounts + VALIDATORS + 1);
const operatorOf = (i: number) => ACCOUNTS[DEVNET_DEFAULTS.accounts + i]!;
const treasury = ACCOUNTS[DEVNET_DEFAULTS.accounts + VALIDATORS]!;
/** `filler` only makes blocks to end the voting period. */
const [, proposer, owner, recorder, delegator, changer, limiter, filler] = ACCOUNTS;
const recipient: Hex = '0x00000000000000000000000000000000000bee01';

const json = <T>(stdout: string) => JSON.parse(stdout) as T;

interface ProposalJson {
  id: string;
  status: string;
  totalDeposit: string;
  votingEndHeight: string;
  title: string;
  tally: { yes: string; no: string; noWithVeto: string; bonded: string };
  failure: string;
}

type Account = (typeof ACCOUNTS)[number];

interface BlockEvent {
  event: string;
  args: Record<string, string>;
}

/** The governed limits the test moves to: one transaction of MAX_TX bytes still fits GAS_LIMIT. */
const GAS_LIMIT = 20_000_000n;
const MAX_TX = 4_096;

describe('governance on a four-validator devnet', () => {
  const dir = mkdtempSync(join(tmpdir(), 'openchain-gov-e2e-'));
  let devnet: TestDevnet;
  const urls = () => Array.from({ length: VALIDATORS }, (_, i) => devnet.url(i));
  const on = (i: number) => ['--rpc', devnet.url(i % VALIDATORS)];
  const gov = async <T>(i: number, key: string | undefined, ...args: string[]) =>
    json<T>((await cli('gov', ...args, ...(key ? ['--private-key', key] : []), ...on(i))).stdout);
  /** Sends a module call through node `node` as any wallet would, and waits for its success. */
  const send = async (
    from: Account,
    to: Hex,
    abi: Abi,
    functionName: string,
    args: readonly unknown[],
    value = 0n,
    node = 0,
  ) => {
    const url = devnet.url(node);
    const wallet = createWalletClient({
      chain: viemChainFor(DEV_CHAIN_ID, url),
      transport: http(url),
      account: privateKeyToAccount(from.privateKey),
    });
    const data = encodeFunctionData({ abi, functionName, args } as never);
    const hash = await wallet.sendTransaction({ to, data, value, gas: 1_000_000n });
    let status = '';
    await waitFor(
      `${functionName} to be mined`,
      async () => {
        status =
          (await rpc<{ status: string } | null>(url, 'eth_getTransactionReceipt', [hash]))?.status ?? '';
        return status !== '';
      },
      300_000,
    );
    expect(status, functionName).toBe('0x1');
  };
  const balance = async (url: string, who: Hex) =>
    BigInt(await rpc<Hex>(url, 'eth_getBalance', [who, 'latest']));

  beforeAll(async () => {
    devnet = await startDevnet({
      validators: VALIDATORS,
      // Blocks come for transactions only (see VOTING_PERIOD), so a short interval costs nothing idle.
      blockIntervalMs: 100,
      emptyBlocks: false,
      genesis: (g) => {
        g.gov = {
          params: {
            minDeposit: DEPOSIT.toString(),
            minInitialDepositBps: 10_000,
            maxDepositPeriodBlocks: 100,
            votingPeriodBlocks: VOTING_PERIOD,
            quorumBps: 3_340,
            thresholdBps: 5_000,
            vetoThresholdBps: 3_340,
          },
        };
        const attribution = (g.params as { attribution: Record<string, unknown> }).attribution;
        attribution.challengeWindowBlocks = 0;
        attribution.minAttributionBond = '0';
        (g.alloc as { address: string; balance: string }[]).push({
          address: treasury.address.toLowerCase(),
          balance: (100n * OPEN).toString(),
        });
      },
    });
    await waitForHeight(urls(), 1, 'every node to commit a block');
  });

  afterAll(async () => {
    await devnet?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses at submission a change that would halt the chain, with the reason', async () => {
    const refused = await cliFails(
      'gov',
      'submit',
      '--title',
      'no validators',
      '--deposit',
      `${DEPOSIT}`,
      '--param',
      'staking.maxValidators=0',
      '--private-key',
      proposer!.privateKey,
      ...on(0),
    );
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/PARAM_OUT_OF_BOUNDS.*maxValidators is 0, below its minimum 1/s);
    const tooSmall = await cliFails(
      'gov',
      'submit',
      '--title',
      'a block of one transfer',
      '--deposit',
      `${DEPOSIT}`,
      '--param',
      'chain.blockGasLimit=21000',
      '--private-key',
      proposer!.privateKey,
      ...on(1),
    );
    expect(tooSmall.code).toBe(1);
    expect(tooSmall.stderr).toMatch(/PARAM_OUT_OF_BOUNDS.*blockGasLimit: 21000 is below one transaction/s);
    expect(await rpc(devnet.url(1), 'open_getProposals')).toEqual([]);
  }, 300_000);

  it('decides seven proposals by stake on every node, and the passed ones take effect', async () => {
    // A model whose split gives contributors exactly today's floor, ready for an inference.
    const modelReady = (async () => {
      const key = ['--private-key', owner!.privateKey, ...on(0)];
      const { datanetId } = json<{ datanetId: string }>(
        (await cli('datanet', 'create', '--name', 'gov e2e', '--license', 'CC-BY-4.0', ...key)).stdout,
      );
      const { modelId } = json<{ modelId: string }>(
        (
          await cli(
            'model',
            'register',
            '--name',
            'gov e2e model',
            '--datanets',
            datanetId,
            '--fee-per-inference',
            FEE.toString(),
            '--split',
            SPLIT.join(','),
            ...key,
          )
        ).stdout,
      );
      await cli('operator', modelId, recorder!.address, ...key);
      return modelId;
    })();
    // Through the CLI: the parameter change. With viem (as any wallet): the rest, and the
    // delegator's bond of twice the stake of validator 0's operator.
    const submitted = gov<{ id: string; status: string }>(
      2,
      changer!.privateKey,
      'submit',
      '--deposit',
      `${DEPOSIT}`,
      '--title',
      'contributors get 20%',
      '--param',
      'attribution.minContributorsBps=2000',
    );
    await send(delegator!, STAKING_ADDRESS, stakingAbi, 'delegate', [operatorOf(0).address], 20n * OPEN);
    await send(
      proposer!,
      GOV_ADDRESS,
      govAbi,
      'submitText',
      ['a signal the delegator disagrees with', ''],
      DEPOSIT,
    );
    await send(proposer!, GOV_ADDRESS, govAbi, 'submitText', ['a proposal vetoed', ''], DEPOSIT);
    await send(
      proposer!,
      GOV_ADDRESS,
      govAbi,
      'submitTreasurySpend',
      ['a grant', '', recipient, 30n * OPEN],
      DEPOSIT,
    );
    // Smaller blocks; and two changes each valid alone (unbonding 604,800 blocks, evidence 10,000)
    // whose second, executed after the first, no longer fits (evidence 30,000 > unbonding 20,000).
    const entry = (module: string, key: string, value: string) => ({ module, key, value });
    await send(
      limiter!,
      GOV_ADDRESS,
      govAbi,
      'submitParamChange',
      [
        'smaller blocks',
        '',
        [entry('chain', 'blockGasLimit', `${GAS_LIMIT}`), entry('chain', 'maxTxBytes', `${MAX_TX}`)],
      ],
      DEPOSIT,
    );
    await send(
      limiter!,
      GOV_ADDRESS,
      govAbi,
      'submitParamChange',
      ['shorter unbonding', '', [entry('staking', 'unbondingBlocks', '20000')]],
      DEPOSIT,
    );
    await send(
      limiter!,
      GOV_ADDRESS,
      govAbi,
      'submitParamChange',
      ['older evidence', '', [entry('chain', 'evidenceMaxAgeBlocks', '30000')]],
      DEPOSIT,
    );
    const afterDeposits = await balance(devnet.url(0), proposer!.address);
    const first = await submitted;
    expect(first.status).toBe('success');
    const change = BigInt(first.id);
    const ids = await rpc<ProposalJson[]>(devnet.url(0), 'open_getProposals');
    const byTitle = (title: string) => BigInt(ids.find((p) => p.title === title)!.id);
    const [signal, vetoed, grant, limits, unbonding, evidence] = [
      'a signal the delegator disagrees with',
      'a proposal vetoed',
      'a grant',
      'smaller blocks',
      'shorter unbonding',
      'older evidence',
    ].map(byTitle) as [bigint, bigint, bigint, bigint, bigint, bigint];
    expect(unbonding).toBeLessThan(evidence);

    // Validators 0-2 vote (each through its own node); validator 3 does not; the delegator votes
    // no with the CLI.
    const yes = 1;
    const veto = 4;
    await Promise.all([
      ...[0, 1, 2].map(async (i) => {
        const vote = (id: bigint, option: number) =>
          send(operatorOf(i), GOV_ADDRESS, govAbi, 'vote', [id, option], 0n, i);
        await vote(change, yes);
        if (i === 0) await vote(signal, yes);
        await vote(vetoed, veto);
        await vote(grant, yes);
        for (const id of [limits, unbonding, evidence]) await vote(id, yes);
      }),
      gov(3, delegator!.privateKey, 'vote', '--proposal', `${signal}`, '--option', 'no'),
    ]);

    // The delegator's 20 OPEN count as no, not as its validator's yes: live, while voting.
    const live = await rpc<ProposalJson>(devnet.url(3), 'open_getProposal', [`0x${signal.toString(16)}`]);
    expect(live.status).toBe('voting');
    expect([live.tally.yes, live.tally.no].map(BigInt)).toEqual([10n * OPEN, 20n * OPEN]);

    // A valid module call larger than the new size limit (well within the old one).
    const oversized = await privateKeyToAccount(proposer!.privateKey).signTransaction({
      chainId: DEV_CHAIN_ID,
      type: 'eip1559',
      // Queued behind a gap, so it never executes; the pool holds it until the limit drops.
      nonce:
        Number(await rpc<Hex>(devnet.url(0), 'eth_getTransactionCount', [proposer!.address, 'pending'])) + 50,
      to: GOV_ADDRESS,
      value: DEPOSIT,
      gas: 1_000_000n,
      maxFeePerGas: 10n ** 12n,
      maxPriorityFeePerGas: 0n,
      data: encodeFunctionData({
        abi: govAbi,
        functionName: 'submitText',
        args: ['big', 'x'.repeat(MAX_TX)],
      }),
    });
    expect(await rpc(devnet.url(0), 'eth_sendRawTransaction', [oversized])).toMatch(/^0x/);

    // One block past the end: the new gas limit is in the headers from the block after it.
    const end = Math.max(...ids.map((p) => Number(BigInt(p.votingEndHeight)))) + 1;
    await fillBlocks(devnet.url(0), filler!.privateKey, end);
    await waitForHeight(urls(), end, 'the voting period to end on every node', 300_000);

    const shown = await gov<ProposalJson & { votes: { option: string }[] }>(
      3,
      undefined,
      'show',
      `${signal}`,
    );
    expect(shown.status).toBe('rejected');
    expect(shown.votes.map((v) => v.option).sort()).toEqual(['no', 'yes']);
    for (const url of urls()) {
      const status = async (id: bigint) =>
        await rpc<ProposalJson>(url, 'open_getProposal', [`0x${id.toString(16)}`]);
      expect((await status(change)).status).toBe('passed');
      expect((await status(vetoed)).status).toBe('vetoed');
      expect((await status(grant)).status).toBe('passed');
      const signalEnd = await status(signal);
      expect(signalEnd.status).toBe('rejected');
      expect([signalEnd.tally.yes, signalEnd.tally.no, signalEnd.tally.bonded].map(BigInt)).toEqual([
        10n * OPEN,
        20n * OPEN,
        60n * OPEN,
      ]);
      // The vetoed deposit is burned, the others refunded: the module holds nothing.
      expect(await balance(url, GOV_ADDRESS)).toBe(0n);
      expect((await balance(url, proposer!.address)) - afterDeposits).toBe(2n * DEPOSIT);
      expect(await balance(url, recipient)).toBe(30n * OPEN);
      const params = await rpc<{ minContributorsBps: number }>(url, 'open_attributionParams');
      expect(params.minContributorsBps).toBe(2_000);
      expect((await status(limits)).status).toBe('passed');
      expect((await status(unbonding)).status).toBe('passed');
      const failed = await status(evidence);
      expect(failed.status).toBe('failed');
      expect(failed.failure).toMatch(
        /^UNSAFE_PARAMS: staking.unbondingBlocks \(20000\) must be at least chain.evidenceMaxAgeBlocks \(30000\)/,
      );
      // The veto and the failure as events of the block where each vote ended, the same everywhere.
      const ended = async (id: bigint) => {
        const at = (await status(id)).votingEndHeight;
        const events = await rpc<BlockEvent[]>(url, 'open_getBlockEvents', [at]);
        return events.filter((e) => e.args.id === `0x${id.toString(16)}`).map((e) => [e.event, e.args]);
      };
      expect(await ended(vetoed)).toEqual([
        ['ProposalEnded', { id: `0x${vetoed.toString(16)}`, status: 'vetoed', failure: '' }],
        ['DepositsBurned', { id: `0x${vetoed.toString(16)}`, amount: `0x${DEPOSIT.toString(16)}` }],
      ]);
      expect(await ended(evidence)).toEqual([
        ['ProposalEnded', { id: `0x${evidence.toString(16)}`, status: 'failed', failure: failed.failure }],
        ['DepositsRefunded', { id: `0x${evidence.toString(16)}`, amount: `0x${DEPOSIT.toString(16)}` }],
      ]);
      // The new limits: in the headers since, and at admission.
      const head = await rpc<{ gasLimit: Hex }>(url, 'eth_getBlockByNumber', ['latest', false]);
      expect(BigInt(head.gasLimit)).toBe(GAS_LIMIT);
      await expect(rpc(url, 'eth_sendRawTransaction', [oversized])).rejects.toThrow(
        new RegExp(`oversized data: transaction is \\d+ bytes, limit ${MAX_TX}$`),
      );
    }

    // The next inference pays by the new floor: contributors' 10% raised to 20%, from the owner's 60%.
    const modelId = await modelReady;
    mkdirSync(join(dir, 'data'));
    writeFileSync(join(dir, 'out.txt'), 'AN OUTPUT QUOTING NOTHING');
    const before = await balance(devnet.url(0), owner!.address);
    const recorded = json<{ status: string; blockNumber: number }>(
      (
        await cli(
          'attribute',
          '--model',
          modelId,
          '--output',
          join(dir, 'out.txt'),
          '--data',
          join(dir, 'data'),
          '--allow-empty',
          '--private-key',
          recorder!.privateKey,
          ...on(1),
        )
      ).stdout,
    );
    expect(recorded.status).toBe('success');
    await waitForHeight(urls(), recorded.blockNumber, 'every node to have the inference');
    for (const url of urls())
      expect((await balance(url, owner!.address)) - before).toBe((FEE * 5_000n) / 10_000n);
  }, 600_000);
});
