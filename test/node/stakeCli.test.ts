// `openchain stake ...` (the CLI's own program, parsed in-process: a child process per command
// costs seconds of start-up on a loaded machine; test/e2e/staking.test.ts runs the real processes)
// against a real node (real LevelDB, RPC and block production): create a validator from a home's
// consensus key, delegate, redelegate, withdraw rewards, edit, undelegate, show; and every refusal
// is a clear error naming the module's reason, with nothing sent or changed.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bytesToHex } from '../../core/bytes.ts';
import { validatorAddress } from '../../core/validator.ts';
import { homePaths } from '../../node/home.ts';
import { initHome } from '../../node/init.ts';
import { loadValidatorKey } from '../../node/keys.ts';
import { calldata, connect, finish, sendAll, signerFrom } from '../../node/moduleClient.ts';
import { STAKING_ADDRESS, stakingAbi } from '../../state/modules/staking/index.ts';
import { startTestNode, type TestNode } from '../helpers/node.ts';
import { runProgram } from '../helpers/program.ts';

const OPEN = 10n ** 18n;

interface Shown {
  address: string;
  validator?: {
    operator: string;
    status: string;
    stake: string;
    selfBond: string;
    moniker: string;
    metadata: string;
    commission: { rateBps: number; maxRateBps: number; maxChangeBps: number };
    consensusAddress: string;
  };
  delegations: { validator: string; stake: string; pendingRewards: string }[];
  pendingRewards: string;
  unbondings: { validator: string; balance: string; completionHeight: string }[];
  redelegations: { from: string; to: string; initialBalance: string }[];
}

describe('openchain stake', () => {
  let t: TestNode;
  let dir: string;
  let home: string;
  /** The genesis validator's operator; the new validator's operator; a delegator. */
  let genesisOperator: string;
  let operatorKey: string;
  let operator: string;
  let delegatorKey: string;
  let delegator: string;

  /** Runs `openchain stake ARGS --rpc URL`; resolves with what it printed and the error it ended with. */
  const run = (...args: string[]) => runProgram(['stake', ...args, '--rpc', t.url]);
  const stake = async <T = Record<string, unknown>>(...args: string[]): Promise<T> => {
    const { stdout, error } = await run(...args);
    if (error) throw error;
    return JSON.parse(stdout) as T;
  };
  /** The message of the error a command ends with (main() prints it as `error: MESSAGE`, exit 1). */
  const fails = async (...args: string[]): Promise<string> => {
    const { error } = await run(...args);
    if (!error) throw new Error(`expected stake ${args.join(' ')} to fail`);
    return error.message;
  };
  const show = (address: string) => stake<Shown>('show', address);

  beforeAll(async () => {
    t = await startTestNode({ accounts: 4 });
    dir = mkdtempSync(join(tmpdir(), 'openchain-stake-cli-'));
    home = join(dir, 'validator');
    // A home of its own: the consensus key the new validator binds.
    await initHome({
      home,
      chainId: 1337,
      moniker: 'second-node',
      alloc: [{ address: t.accounts[0]!.address, balance: 1n }],
    });
    genesisOperator = t.accounts[0]!.address;
    operator = t.accounts[1]!.address;
    operatorKey = t.accounts[1]!.privateKey;
    delegator = t.accounts[2]!.address;
    delegatorKey = t.accounts[2]!.privateKey;
  });

  afterAll(async () => {
    await t?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('create-validator binds the home key to the signer, with the commission asked and the home moniker', async () => {
    const key = loadValidatorKey(homePaths(home).validatorKey);
    const out = await stake(
      'create-validator',
      '--home',
      home,
      '--amount',
      '1OPEN',
      '--commission',
      '500',
      '--max-commission',
      '1500',
      '--max-change',
      '200',
      '--metadata',
      'https://example.org',
      '--private-key',
      operatorKey,
    );
    expect(out).toMatchObject({
      operator,
      consensusKey: bytesToHex(key.pubKey),
      consensusAddress: validatorAddress(key.pubKey),
      moniker: 'second-node',
      selfBond: OPEN.toString(),
      commissionBps: 500,
      status: 'success',
      txHash: expect.stringMatching(/^0x[0-9a-f]{64}$/),
    });
    const shown = await show(operator);
    expect(shown.validator).toMatchObject({
      operator,
      consensusAddress: validatorAddress(key.pubKey),
      stake: OPEN.toString(),
      selfBond: OPEN.toString(),
      moniker: 'second-node',
      metadata: 'https://example.org',
      commission: { rateBps: 500, maxRateBps: 1500, maxChangeBps: 200 },
    });
    expect(['active', 'inactive']).toContain(shown.validator!.status);
    expect(shown.delegations).toEqual([
      expect.objectContaining({ validator: operator, stake: OPEN.toString() }),
    ]);
  });

  it('delegate, then redelegate part to another validator at once', async () => {
    // At most 3 of 13 power on the new validator, whose node is not running: the chain goes on.
    expect(
      await stake('delegate', '--validator', operator, '--amount', '2OPEN', '--private-key', delegatorKey),
    ).toMatchObject({ delegator, validator: operator, amount: (2n * OPEN).toString(), status: 'success' });
    expect(
      await stake(
        'redelegate',
        '--from',
        operator,
        '--to',
        genesisOperator,
        '--amount',
        '1OPEN',
        '--private-key',
        delegatorKey,
      ),
    ).toMatchObject({ from: operator, to: genesisOperator, status: 'success' });
    const shown = await show(delegator);
    expect(shown.validator).toBeUndefined();
    expect(Object.fromEntries(shown.delegations.map((d) => [d.validator, d.stake]))).toEqual({
      [operator]: OPEN.toString(),
      [genesisOperator]: OPEN.toString(),
    });
    expect(shown.redelegations).toEqual([
      expect.objectContaining({ from: operator, to: genesisOperator, initialBalance: OPEN.toString() }),
    ]);
  });

  it('withdraw-rewards collects from every validator delegated to; the balance grows by what it reports', async () => {
    // A transfer's priority fee is income of the validators that sign the next blocks (the genesis
    // one: the new validator's node is not running), and so of the delegator's 1 of its 11 OPEN.
    const client = t.publicClient();
    const wallet = t.walletClient(3);
    const tipped = await wallet.sendTransaction({
      chain: t.viemChain,
      account: wallet.account!,
      to: '0x000000000000000000000000000000000000beef',
      value: 1n,
      maxPriorityFeePerGas: 10n ** 12n,
      maxFeePerGas: 10n ** 13n,
    });
    const { blockNumber } = await client.waitForTransactionReceipt({ hash: tipped });
    while ((await client.getBlockNumber()) < blockNumber + 2n) await new Promise((r) => setTimeout(r, 50));
    const before = await client.getBalance({ address: delegator as `0x${string}` });
    const out = await stake<{
      withdrawals: { validator: string; rewards: string; txHash: `0x${string}`; status: string }[];
    }>('withdraw-rewards', '--private-key', delegatorKey);
    expect(out.withdrawals.map((w) => w.validator).sort()).toEqual([operator, genesisOperator].sort());
    let fees = 0n;
    for (const w of out.withdrawals) {
      expect(w.status).toBe('success');
      const receipt = await client.getTransactionReceipt({ hash: w.txHash });
      fees += receipt.gasUsed * receipt.effectiveGasPrice;
    }
    const rewards = out.withdrawals.reduce((sum, w) => sum + BigInt(w.rewards), 0n);
    expect(rewards).toBeGreaterThan(0n);
    expect(await client.getBalance({ address: delegator as `0x${string}` })).toBe(before + rewards - fees);
  });

  it('edit-validator changes what is given and keeps the rest', async () => {
    const out = await stake('edit-validator', '--moniker', 'renamed', '--private-key', operatorKey);
    expect(out).toMatchObject({ moniker: 'renamed', commissionBps: 500, metadata: 'https://example.org' });
    expect((await show(operator)).validator).toMatchObject({
      moniker: 'renamed',
      metadata: 'https://example.org',
    });
  });

  it('undelegate starts an unbonding entry that completes at the printed height', async () => {
    const out = await stake<{ completionHeight: string; status: string }>(
      'undelegate',
      '--validator',
      operator,
      '--amount',
      '0.5OPEN',
      '--private-key',
      delegatorKey,
    );
    expect(out.status).toBe('success');
    const shown = await show(delegator);
    expect(shown.unbondings).toEqual([
      expect.objectContaining({
        validator: operator,
        balance: (OPEN / 2n).toString(),
        completionHeight: out.completionHeight,
      }),
    ]);
  });

  it('show without an address: the parameters, the pool and every validator', async () => {
    const out = await stake<{
      params: Record<string, unknown>;
      pool: Record<string, unknown>;
      validators: { operator: string }[];
    }>('show');
    expect(out.params).toHaveProperty('unbondingBlocks');
    expect(out.pool).toHaveProperty('bonded');
    expect(out.validators.map((v) => v.operator).sort()).toEqual([operator, genesisOperator].sort());
  });

  // The module's reasons: its stable code, then its message (the revert data of eth_estimateGas).
  it('refusals name the module code and reason and send nothing', async () => {
    const before = await show(delegator);
    const cases: [string[], RegExp][] = [
      [
        ['undelegate', '--validator', operator, '--amount', '1000OPEN', '--private-key', delegatorKey],
        /INSUFFICIENT_DELEGATION: .* is worth 500000000000000000, cannot undelegate 1000000000000000000000/,
      ],
      [
        [
          'delegate',
          '--validator',
          '0x000000000000000000000000000000000000dead',
          '--amount',
          '1OPEN',
          '--private-key',
          delegatorKey,
        ],
        /UNKNOWN_VALIDATOR: no validator with operator 0x000000000000000000000000000000000000dead/,
      ],
      [
        ['edit-validator', '--commission', '1600', '--private-key', operatorKey],
        /COMMISSION_ABOVE_MAX: commission 1600 bps is above the maximum 1500 bps/,
      ],
      [
        ['create-validator', '--home', home, '--amount', '1OPEN', '--private-key', delegatorKey],
        new RegExp(`CONSENSUS_KEY_IN_USE: .* is already bound to validator ${operator}`),
      ],
      [
        ['unjail', '--private-key', operatorKey],
        new RegExp(`NOT_JAILED: validator ${operator} is not jailed`),
      ],
    ];
    for (const [args, reason] of cases) {
      const message = await fails(...args);
      expect(message, args.join(' ')).toMatch(/^\w+ would fail: /);
      expect(message, args.join(' ')).toMatch(reason);
    }
    const after = await show(delegator);
    expect(after.delegations.map((d) => d.stake)).toEqual(before.delegations.map((d) => d.stake));
  });

  it('a transaction that fails when mined is an error carrying the reason in its receipt', async () => {
    const rpc = connect(t.url);
    const STAKING = { address: STAKING_ADDRESS, abi: stakingAbi };
    const data = calldata(STAKING, 'undelegate', [operator, 1000n * OPEN]);
    // A gas limit skips the estimate that would refuse it, so the failure comes from the block.
    const [sent] = await sendAll(
      rpc,
      signerFrom(delegatorKey),
      STAKING,
      [{ data, gasLimit: 300_000n, what: 'undelegate' }],
      30_000,
    );
    expect(sent).toMatchObject({
      status: 'failed',
      errorCode: 'INSUFFICIENT_DELEGATION',
      failureReason: expect.stringMatching(
        /^INSUFFICIENT_DELEGATION: .* cannot undelegate 1000000000000000000000/,
      ),
    });
    expect(() => finish({}, [sent!])).toThrow(
      /^transaction 0x[0-9a-f]{64} failed: INSUFFICIENT_DELEGATION: delegation to .* cannot undelegate/,
    );
  });

  it('bad arguments are usage errors before anything is sent', async () => {
    const usage: [string[], RegExp][] = [
      [['delegate', '--validator', operator, '--amount', '1.5'], /wei amounts are whole numbers/],
      [['delegate', '--validator', operator, '--amount', '0'], /more than zero/],
      [['delegate', '--validator', 'bob', '--amount', '1OPEN'], /not a 20-byte hex address/],
      [['edit-validator', '--commission', '10001'], /basis points: an integer from 0 to 10000/],
      [['edit-validator'], /give --commission, --moniker or --metadata/],
    ];
    for (const [args, reason] of usage)
      expect(await fails(...args, '--private-key', delegatorKey), args.join(' ')).toMatch(reason);
    expect(await fails('show', 'nobody')).toMatch(/^stake show: not a 20-byte hex address/);
    const key = process.env['OPENCHAIN_PRIVATE_KEY'];
    delete process.env['OPENCHAIN_PRIVATE_KEY'];
    try {
      expect(await fails('delegate', '--validator', operator, '--amount', '1OPEN')).toMatch(
        /a signing key is needed: --private-key HEX or the OPENCHAIN_PRIVATE_KEY environment variable/,
      );
    } finally {
      if (key !== undefined) process.env['OPENCHAIN_PRIVATE_KEY'] = key;
    }
    // With --home, unjail first checks that the home holds the validator's key.
    const other = join(dir, 'other');
    await initHome({
      home: other,
      chainId: 1337,
      moniker: 'other',
      alloc: [{ address: t.accounts[0]!.address, balance: 1n }],
    });
    expect(await fails('unjail', '--home', other, '--private-key', operatorKey)).toMatch(
      /holds consensus key 0x[0-9a-f]{64}, but validator 0x[0-9a-f]{40} is bound to 0x[0-9a-f]{64}/,
    );
  });
});
