// Genesis tooling for operators, through the real CLI: a coordinator assembles a 4-validator genesis
// from `genesis new`, `add-account` and the operators' gentx statements alone, and the chain it
// defines runs; bad statements are refused with their reason and leave the file unchanged; a node
// refuses a genesis file that no longer hashes to the one its home recorded. The genesis carries a
// vesting account, whose locked tokens the devnet refuses to move, stakes, and frees at the unlock.
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPublicClient, createWalletClient, http } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { afterAll, describe, expect, it } from 'vitest';
import { addressFromPrivateKey } from '../../core/address.ts';
import { bytesToHex } from '../../core/bytes.ts';
import { viemChainFor } from '../helpers/node.ts';
import { cli, cliFails, type NodeProcess, rpc, startConfiguredNode } from './cli.ts';
import { assertNoFork, freePortRange, waitFor, waitForHeight } from './devnet.ts';

const OPEN = 10n ** 18n;

const CHAIN_ID = '4242';
/** Several CLI processes per test on a loaded machine. */
const SLOW = 900_000;

/** `openchain genesis gentx` for the operator `op` with the consensus key of `home`. */
function gentx(home: string, op: { key: string }, amount: string, out: string, ...extra: string[]) {
  return cli(
    'genesis',
    'gentx',
    '--home',
    home,
    '--amount',
    amount,
    '--operator-key',
    op.key,
    '--out',
    out,
    ...extra,
  );
}

function operator() {
  const privateKey = randomBytes(32);
  return { key: bytesToHex(privateKey), address: addressFromPrivateKey(privateKey) };
}

const holder = operator();

/**
 * The vesting account of the genesis above, on the running devnet (docs/vesting.md): its locked
 * tokens cannot be sent (eth_sendRawTransaction refuses, saying why), can be staked (with `openchain
 * stake delegate`), and the part unlocking 30 s after genesis moves once a block's time reaches it.
 */
async function vestingOnDevnet(urls: string[], unlockAt: number, validator: string): Promise<void> {
  const url = urls[0]!;
  const chain = viemChainFor(Number(CHAIN_ID), url);
  const wallet = createWalletClient({
    chain,
    transport: http(url),
    account: privateKeyToAccount(holder.key),
  });
  const client = createPublicClient({ chain, transport: http(url), pollingInterval: 200 });
  expect(await client.getBalance({ address: holder.address })).toBe(1_000n * OPEN);
  // 600 OPEN is more than is spendable before 2100 (gas and fees given: viem sends without estimating).
  const send = (value: bigint, fees = {}) =>
    wallet.sendTransaction({ to: validator as `0x${string}`, value, ...fees });
  await expect(
    send(600n * OPEN, { gas: 21_000n, maxFeePerGas: 10n ** 10n, maxPriorityFeePerGas: 0n }),
  ).rejects.toThrow(
    /insufficient spendable funds for gas \* price \+ value: .*locked by an unlock schedule/s,
  );
  // The 500 OPEN that unlock only in 2100 are staked.
  await cli(
    'stake',
    'delegate',
    '--validator',
    validator,
    '--amount',
    '500OPEN',
    '--private-key',
    holder.key,
    '--rpc',
    url,
  );
  const staked = await rpc<{ delegatedVesting: string }>(url, 'open_getBalances', [holder.address]);
  expect(BigInt(staked.delegatedVesting)).toBe(500n * OPEN);
  // Once a block's time reaches the unlock, its 400 OPEN move (block time, not this test's clock).
  await waitFor(
    'a block at or after the unlock',
    async () => (await rpc<{ time: number }>(url, 'open_getBalances', [holder.address])).time >= unlockAt,
    300_000,
  );
  const hash = await send(400n * OPEN);
  expect((await client.waitForTransactionReceipt({ hash, timeout: 120_000 })).status).toBe('success');
  // Every node agrees on what is left: nothing locked in the balance, 500 still vesting at stake.
  const views = await Promise.all(
    urls.map((u) => rpc<Record<string, string>>(u, 'open_getBalances', [holder.address])),
  );
  for (const v of views) expect([v.locked, v.vesting]).toEqual(['0x0', `0x${(500n * OPEN).toString(16)}`]);
}

describe('genesis tooling', () => {
  const dir = mkdtempSync(join(tmpdir(), 'openchain-genesis-tools-'));
  const nodes: NodeProcess[] = [];
  afterAll(async () => {
    await Promise.all(nodes.map((n) => n.kill()));
    rmSync(dir, { recursive: true, force: true });
  });

  it(
    'a 4-validator genesis built only with the genesis commands and gentx statements starts a working devnet',
    async () => {
      const root = join(dir, 'flow');
      const genesis = join(root, 'genesis.json');
      const gentxDir = join(root, 'gentx');
      mkdirSync(gentxDir, { recursive: true });
      const ops = Array.from({ length: 4 }, operator);
      const base = await freePortRange(8);
      const homes = ops.map((_, i) => join(root, `node${i}`));

      await cli('genesis', 'new', '--chain-id', CHAIN_ID, '--out', genesis);
      for (const op of ops) await cli('genesis', 'add-account', op.address, '100OPEN', '--genesis', genesis);
      // A vesting account: 100 OPEN free, 400 unlocking 30 s after genesis, 500 in 2100.
      const genesisTime = Date.parse(
        (JSON.parse(readFileSync(genesis, 'utf8')) as { genesisTime: string }).genesisTime,
      );
      const unlockAt = genesisTime + 30_000;
      await cli(
        'genesis',
        'add-account',
        holder.address,
        '1000OPEN',
        '--unlock',
        `${new Date(unlockAt).toISOString()}=400OPEN`,
        '--unlock',
        '2100-01-01T00:00:00Z=500OPEN',
        '--genesis',
        genesis,
      );
      // Each operator, on its own machine: a home (its consensus key), then a statement.
      const inits = await Promise.all(
        homes.map((home, i) =>
          cli(
            'init',
            '--home',
            home,
            '--chain-id',
            CHAIN_ID,
            '--moniker',
            `op${i}`,
            '--reward-address',
            ops[i]!.address,
            '--p2p-port',
            String(base + 4 + i),
          ),
        ),
      );
      const peerIds = inits.map((r) => (JSON.parse(r.stdout) as { peerId: string }).peerId);
      await Promise.all(
        homes.map((home, i) =>
          gentx(home, ops[i]!, `${10 + i}OPEN`, join(gentxDir, `op${i}.json`), '--commission', '500'),
        ),
      );
      const collected = await cli('genesis', 'collect', gentxDir, '--genesis', genesis);
      expect(collected.stdout).toContain('5 allocation(s), 4 validator(s)');
      const validated = await cli('genesis', 'validate', genesis);
      const hash = (await cli('genesis', 'hash', genesis)).stdout.trim();
      expect(validated.stdout).toContain(`valid: chain id ${CHAIN_ID}, 4 validator(s)`);
      expect(validated.stdout).toContain(hash);
      const g = JSON.parse(readFileSync(genesis, 'utf8')) as {
        validators: { name: string; power: string; rewardAddress: string; commissionBps: number }[];
      };
      expect(g.validators.map((v) => [v.name, v.power, v.rewardAddress, v.commissionBps])).toEqual(
        ops.map((op, i) => [`op${i}`, String(10 + i), op.address, 500]),
      );

      // Each operator installs the collected genesis and starts, bootstrapping from the others.
      await Promise.all(homes.map((home) => cli('genesis', 'install', genesis, '--home', home)));
      const peer = (j: number) => `/ip4/127.0.0.1/tcp/${base + 4 + j}/p2p/${peerIds[j]}`;
      const started = await Promise.all(
        homes.map((home, i) =>
          startConfiguredNode(
            home,
            '--rpc-port',
            String(base + i),
            '--block-interval',
            '500',
            ...[0, 1, 2, 3].filter((j) => j !== i).flatMap((j) => ['--bootstrap', peer(j)]),
          ),
        ),
      );
      nodes.push(...started);
      const urls = started.map((n) => n.rpcUrl);
      await waitForHeight(urls, 3, 'every node past height 3', 300_000);
      expect(await assertNoFork(urls)).toBeGreaterThanOrEqual(3);
      const block0 = await rpc<{ hash: string }>(urls[0]!, 'eth_getBlockByNumber', ['0x0', false]);
      expect(block0.hash).toBe(hash);
      expect(Number(await rpc<string>(urls[0]!, 'eth_chainId'))).toBe(Number(CHAIN_ID));

      await vestingOnDevnet(urls, unlockAt, ops[0]!.address);
    },
    SLOW,
  );

  it(
    'bad statements are refused with their reason and leave the genesis file unchanged',
    async () => {
      const root = join(dir, 'bad');
      const genesis = join(root, 'genesis.json');
      mkdirSync(root, { recursive: true });
      const [a, b] = [operator(), operator()];
      const [homeA, homeB] = [join(root, 'a'), join(root, 'b')];
      await cli('genesis', 'new', '--chain-id', CHAIN_ID, '--out', genesis);
      await cli('genesis', 'add-account', a.address, '100OPEN', '--genesis', genesis);
      await cli('genesis', 'add-account', b.address, '100OPEN', '--genesis', genesis);
      await Promise.all(
        [homeA, homeB].map((home) =>
          cli('init', '--home', home, '--chain-id', CHAIN_ID, '--reward-address', a.address),
        ),
      );
      await Promise.all([
        gentx(homeA, a, '10OPEN', join(root, 'a.json'), '--moniker', 'alpha'),
        gentx(homeA, b, '10OPEN', join(root, 'same-key.json'), '--moniker', 'beta'),
        gentx(homeB, a, '10OPEN', join(root, 'same-operator.json'), '--moniker', 'gamma'),
        gentx(homeB, b, '10OPEN', join(root, 'other-chain.json'), '--chain-id', '4243'),
        gentx(homeB, b, '101OPEN', join(root, 'too-much.json')),
      ]);
      await cli('genesis', 'add-validator', join(root, 'a.json'), '--genesis', genesis);

      // Tampered statements: a changed self-bond breaks the operator's signature; a keySignature
      // made for another operator breaks the binding.
      const good = JSON.parse(readFileSync(join(root, 'a.json'), 'utf8')) as Record<string, unknown>;
      writeFileSync(
        join(root, 'forged-bond.json'),
        JSON.stringify({ ...good, selfBond: '20000000000000000000' }),
      );
      const other = JSON.parse(readFileSync(join(root, 'same-key.json'), 'utf8')) as Record<string, unknown>;
      writeFileSync(
        join(root, 'forged-key.json'),
        JSON.stringify({ ...good, keySignature: other.keySignature }),
      );

      const before = readFileSync(genesis, 'utf8');
      const cases: [string, string][] = [
        ['forged-bond.json', `operatorSignature is not ${a.address}'s signature of this statement`],
        ['forged-key.json', "keySignature is not the consensus key's signature of the binding"],
        ['other-chain.json', `it is for chain 4243, but this genesis is chain ${CHAIN_ID}`],
        ['same-key.json', 'genesis.validators[1].pubKey: same key as validators[0]'],
        ['same-operator.json', "same rewardAddress (the validator's operator) as validators[0]"],
        ['too-much.json', 'less than the self-bond 101000000000000000000'],
      ];
      for (const [file, reason] of cases) {
        const { code, stderr } = await cliFails(
          'genesis',
          'add-validator',
          join(root, file),
          '--genesis',
          genesis,
        );
        expect(code, file).toBe(1);
        expect(stderr, file).toContain(reason);
        expect(readFileSync(genesis, 'utf8'), file).toBe(before);
      }
      // collect is all or none: one bad statement among good ones adds nothing.
      const batch = join(root, 'batch');
      mkdirSync(batch);
      copyFileSync(join(root, 'too-much.json'), join(batch, 'b.json'));
      copyFileSync(join(root, 'other-chain.json'), join(batch, 'c.json'));
      const { stderr } = await cliFails('genesis', 'collect', batch, '--genesis', genesis);
      expect(stderr).toContain('less than the self-bond');
      expect(readFileSync(genesis, 'utf8')).toBe(before);
      // An existing allocation is not silently replaced.
      const again = await cliFails('genesis', 'add-account', a.address, '1OPEN', '--genesis', genesis);
      expect(again.stderr).toContain(`${a.address} already has an allocation`);
      expect(readFileSync(genesis, 'utf8')).toBe(before);
    },
    SLOW,
  );

  it(
    'a node refuses to start on a genesis that differs from the one its home was created with',
    async () => {
      const home = join(dir, 'edited');
      const created = JSON.parse(
        (await cli('init', '--home', home, '--reward-address', operator().address)).stdout,
      ) as { genesisHash: string };
      const path = join(home, 'genesis.json');
      const g = JSON.parse(readFileSync(path, 'utf8')) as { genesisTime: string };
      writeFileSync(path, JSON.stringify({ ...g, genesisTime: '2030-01-01T00:00:00Z' }));
      const edited = (await cli('genesis', 'hash', path)).stdout.trim();
      const { code, stderr } = await cliFails('start', '--home', home, '--rpc-port', '0', '--p2p-port', '0');
      expect(code).toBe(1);
      expect(stderr).toContain(
        `hashes to ${edited}, but this home was created with genesis ${created.genesisHash}`,
      );
      // A genesis that fails validation is refused too, naming the problem.
      writeFileSync(path, JSON.stringify({ ...g, validators: [] }));
      const invalid = await cliFails('start', '--home', home, '--rpc-port', '0', '--p2p-port', '0');
      expect(invalid.stderr).toContain('genesis.validators: at least one validator is required');
    },
    SLOW,
  );
});
