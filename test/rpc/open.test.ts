// The open_ namespace against a whole in-process node: node info, the genesis document, validators,
// commit certificates that verify against those validators, and state proofs that verify against
// a block's state root with nothing but state/tree's verifyProof.
import { readFileSync } from 'node:fs';
import { type Address, type Hash, type Hex, parseEther } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hexToBytes } from '../../core/bytes.ts';
import { sha256 } from '../../core/hash.ts';
import { type Validator, validatorAddress } from '../../core/validator.ts';
import { type Commit, verifyCommit } from '../../core/vote.ts';
import { buildGenesisBlock } from '../../genesis/build.ts';
import { parseGenesis } from '../../genesis/load.ts';
import { homePaths } from '../../node/home.ts';
import { CLIENT_VERSION, VERSION } from '../../node/version.ts';
import { decodeAccount } from '../../state/accounts.ts';
import { stateKeys } from '../../state/stateKeys.ts';
import { proofFromJson, verifyProof } from '../../state/tree/index.ts';
import { startTestNode, TEST_BALANCE, type TestNode } from '../helpers/node.ts';

interface RpcError {
  code: number;
  message: string;
}

interface ValidatorsJson {
  height: Hex;
  validators: {
    address: Address;
    pubKey: Hex;
    power: Hex;
    rewardAddress: Address;
    operator: Address;
    stake: Hex | null;
    status: string | null;
  }[];
}

interface CommitJson {
  height: Hex;
  round: Hex;
  blockHash: Hash;
  signatures: { validator: Address; signature: Hex }[];
}

interface ProofJson {
  blockNumber: Hex;
  blockHash: Hash;
  stateRoot: Hash;
  stateKey: Hex;
  treeKey: Hex;
  value: Hex | null;
  proof: unknown;
}

const UNUSED: Address = '0x000000000000000000000000000000000000dEaD';

describe('open_ namespace', () => {
  let t: TestNode;
  /** The transfer's block, and the sender and recipient. */
  let transferBlock: bigint;
  let sender: Address;
  let recipient: Address;
  const value = parseEther('2');

  beforeAll(async () => {
    t = await startTestNode({ accounts: 3 });
    sender = t.accounts[1]!.address as Address;
    recipient = '0x1111111111111111111111111111111111111111';
    const wallet = t.walletClient(1);
    const hash = await wallet.sendTransaction({
      account: wallet.account!,
      chain: t.viemChain,
      to: recipient,
      value,
    });
    transferBlock = (await t.publicClient().waitForTransactionReceipt({ hash, pollingInterval: 50 }))
      .blockNumber;
  });
  afterAll(() => t.stop());

  async function rpc<T>(method: string, params: unknown[] = []): Promise<{ result?: T; error?: RpcError }> {
    const response = await fetch(t.url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
    });
    return (await response.json()) as { result?: T; error?: RpcError };
  }
  async function call<T>(method: string, params: unknown[] = []): Promise<T> {
    const { result, error } = await rpc<T>(method, params);
    if (error) throw new Error(`${method}: ${error.code} ${error.message}`);
    return result as T;
  }
  const hexOf = (n: bigint | number) => `0x${n.toString(16)}`;

  describe('open_nodeInfo', () => {
    it('identity and status of the node', async () => {
      const info = await call<Record<string, unknown>>('open_nodeInfo');
      expect(info).toEqual({
        moniker: 'test',
        version: VERSION,
        client: CLIENT_VERSION,
        chainId: '1337',
        genesisHash: t.node.chain.genesisHash,
        validatorAddress: t.node.chain.validators()[0]!.address,
        peerId: t.node.host.peerId,
        listen: t.node.host.multiaddrs(),
        height: expect.any(Number),
        consensus: expect.objectContaining({ height: expect.any(Number), round: expect.any(Number) }),
        mempool: {
          pending: expect.any(Number),
          queued: expect.any(Number),
          senders: expect.any(Number),
          bytes: expect.any(Number),
        },
      });
      expect(info['height']).toBeGreaterThanOrEqual(Number(transferBlock));
    });

    it('takes no parameters', async () => {
      expect((await rpc('open_nodeInfo', [1])).error).toMatchObject({ code: -32602 });
    });
  });

  describe('open_chainParams', () => {
    it("the latest state's chain parameters: quantities as hex, the treasury as an address", async () => {
      const params = t.node.chain.params();
      expect(await call('open_chainParams')).toEqual({
        blockGasLimit: `0x${params.blockGasLimit.toString(16)}`,
        maxTxBytes: params.maxTxBytes,
        maxBlockTxBytes: params.maxBlockTxBytes,
        minBaseFee: `0x${params.minBaseFee.toString(16)}`,
        baseFeeChangeDenominator: params.baseFeeChangeDenominator,
        elasticityMultiplier: params.elasticityMultiplier,
        baseFeeBurnBps: params.baseFeeBurnBps,
        treasury: params.treasury,
        evidenceMaxAgeBlocks: params.evidenceMaxAgeBlocks,
      });
      expect((await rpc('open_chainParams', [1])).error).toMatchObject({ code: -32602 });
    });
  });

  describe('open_genesis', () => {
    it("the genesis document as loaded, and its hash: block 0's hash", async () => {
      const genesis = await call<{ hash: Hash; document: unknown }>('open_genesis');
      const block0 = await t.publicClient().getBlock({ blockNumber: 0n });
      expect(genesis.hash).toBe(block0.hash);
      expect(genesis.hash).toBe(t.node.chain.genesisHash);
      expect(genesis.document).toEqual(JSON.parse(readFileSync(homePaths(t.home).genesis, 'utf8')));
      // Anyone can recompute the hash from the document alone.
      expect((await buildGenesisBlock(parseGenesis(genesis.document))).hash).toBe(genesis.hash);
      // init makes the first account the validator's operator and allocates it the self-bond (power
      // 10 × 10^18) on top, which genesis moves into the stake.
      expect(genesis.document).toMatchObject({
        chainId: 1337,
        alloc: t.accounts.map((a, i) => ({
          address: a.address,
          balance: (TEST_BALANCE + (i === 0 ? 10n * 10n ** 18n : 0n)).toString(),
        })),
      });
    });
  });

  describe('open_validators', () => {
    it('the validator set that signs a block: keys, power, reward address, and the operator with its stake and status', async () => {
      const set = await call<ValidatorsJson>('open_validators', ['latest']);
      const [v] = t.node.chain.validators();
      const staked = await call<{ tokens: Hex }>('open_getValidator', [t.accounts[0]!.address]);
      expect(set.validators).toEqual([
        {
          address: v!.address,
          pubKey: `0x${Buffer.from(v!.pubKey).toString('hex')}`,
          power: '0xa',
          rewardAddress: t.accounts[0]!.address,
          operator: t.accounts[0]!.address,
          stake: staked.tokens,
          status: 'active',
        },
      ]);
      // The address is derived from the key (sha256(pubKey)[0..20]), as in CometBFT.
      expect(validatorAddress(hexToBytes(set.validators[0]!.pubKey))).toBe(set.validators[0]!.address);
      expect(await call<ValidatorsJson>('open_validators', [hexOf(transferBlock)])).toEqual({
        height: hexOf(transferBlock),
        validators: set.validators,
      });
      expect((await call<ValidatorsJson>('open_validators', [])).validators).toEqual(set.validators);
      expect((await call<ValidatorsJson>('open_validators', ['earliest'])).height).toBe('0x0');
    });

    it('errors: a future block, a bad block', async () => {
      expect((await rpc('open_validators', ['0xffffff'])).error).toEqual({
        code: -32000,
        message: 'header not found',
      });
      expect((await rpc('open_validators', ['soon'])).error).toMatchObject({ code: -32602 });
    });
  });

  describe('open_getCommit', () => {
    const toCommit = (json: CommitJson): Commit => ({
      height: Number(json.height),
      round: Number(json.round),
      blockHash: json.blockHash,
      signatures: json.signatures.map((s) => ({
        validator: s.validator,
        signature: hexToBytes(s.signature),
      })),
    });
    const toValidators = (json: ValidatorsJson): Validator[] =>
      json.validators.map((v) => ({
        address: v.address,
        pubKey: hexToBytes(v.pubKey),
        power: BigInt(v.power),
        rewardAddress: v.rewardAddress,
      }));

    it("a committed block's commit verifies against the validators from open_validators", async () => {
      for (const height of [1n, transferBlock]) {
        const json = await call<CommitJson>('open_getCommit', [hexOf(height)]);
        const block = await t.publicClient().getBlock({ blockNumber: height });
        expect(json.height).toBe(hexOf(height));
        expect(json.blockHash).toBe(block.hash);
        const validators = toValidators(await call<ValidatorsJson>('open_validators', [hexOf(height)]));
        expect(() => verifyCommit(1337n, toCommit(json), validators)).not.toThrow();
        // A commit for another height, or a tampered signature, does not verify.
        const wrong = { ...toCommit(json), height: Number(height) + 1 };
        expect(() => verifyCommit(1337n, wrong, validators)).toThrow(/does not verify/);
        const tampered = toCommit(json);
        tampered.signatures[0]!.signature[0]! ^= 1;
        expect(() => verifyCommit(1337n, tampered, validators)).toThrow(/does not verify/);
      }
    });

    it('by tag: the latest block has a commit; genesis has none', async () => {
      const latest = await call<CommitJson>('open_getCommit', ['latest']);
      expect(Number(latest.height)).toBeGreaterThanOrEqual(Number(transferBlock));
      expect(await call('open_getCommit', ['earliest'])).toBeNull();
      expect(await call('open_getCommit', ['0x0'])).toBeNull();
    });

    it('errors: a future block, missing or bad parameter', async () => {
      expect((await rpc('open_getCommit', ['0xffffff'])).error).toEqual({
        code: -32000,
        message: 'header not found',
      });
      expect((await rpc('open_getCommit', [])).error).toMatchObject({ code: -32602 });
      expect((await rpc('open_getCommit', [1])).error).toMatchObject({ code: -32602 });
    });
  });

  describe('open_getProof', () => {
    /** Checks a proof with nothing but the root it names, as a light client would. */
    function verifies(p: ProofJson, root: Hash = p.stateRoot): boolean {
      return verifyProof(
        hexToBytes(root),
        hexToBytes(p.treeKey),
        p.value === null ? undefined : hexToBytes(p.value),
        proofFromJson(p.proof),
      );
    }

    it("an account inclusion proof verifies against the block's state root", async () => {
      const p = await call<ProofJson>('open_getProof', [{ address: recipient }, hexOf(transferBlock)]);
      const block = await t.publicClient().getBlock({ blockNumber: transferBlock });
      expect(p).toMatchObject({
        blockNumber: hexOf(transferBlock),
        blockHash: block.hash,
        stateRoot: block.stateRoot,
      });
      const stateKey = stateKeys.account(recipient);
      expect(p.stateKey).toBe(`0x${Buffer.from(stateKey).toString('hex')}`);
      expect(p.treeKey).toBe(`0x${Buffer.from(sha256(stateKey)).toString('hex')}`);
      expect(decodeAccount(hexToBytes(p.value!))).toEqual({ nonce: 0n, balance: value });
      expect(verifies(p)).toBe(true);
      // The same proof with another value, or against another root, does not verify.
      expect(verifies({ ...p, value: p.value!.replace(/.$/, (c) => (c === '0' ? '1' : '0')) as Hex })).toBe(
        false,
      );
      expect(verifies(p, (await t.publicClient().getBlock({ blockNumber: 0n })).stateRoot)).toBe(false);
    });

    it('an absence proof for an unused address verifies', async () => {
      const p = await call<ProofJson>('open_getProof', [{ address: UNUSED }]);
      expect(p.value).toBeNull();
      expect(verifies(p)).toBe(true);
      const latest = await t.publicClient().getBlock({ blockNumber: BigInt(p.blockNumber) });
      expect(p.stateRoot).toBe(latest.stateRoot);
    });

    it("a proof at an older block verifies against that block's root and shows the old value", async () => {
      const before = await call<ProofJson>('open_getProof', [{ address: sender }, hexOf(transferBlock - 1n)]);
      const after = await call<ProofJson>('open_getProof', [{ address: sender }, hexOf(transferBlock)]);
      expect(verifies(before)).toBe(true);
      expect(verifies(after)).toBe(true);
      expect(decodeAccount(hexToBytes(before.value!))).toEqual({ nonce: 0n, balance: TEST_BALANCE });
      const now = decodeAccount(hexToBytes(after.value!));
      expect(now.nonce).toBe(1n);
      expect(now.balance).toBe(
        await t.publicClient().getBalance({ address: sender, blockNumber: transferBlock }),
      );
      // The recipient did not exist before the transfer: absent at the older block.
      const absent = await call<ProofJson>('open_getProof', [
        { address: recipient },
        hexOf(transferBlock - 1n),
      ]);
      expect(absent.value).toBeNull();
      expect(verifies(absent)).toBe(true);
      // Genesis, by tag and by hash.
      const genesis = await call<ProofJson>('open_getProof', [{ address: sender }, 'earliest']);
      expect(decodeAccount(hexToBytes(genesis.value!)).balance).toBe(TEST_BALANCE);
      expect(verifies(genesis)).toBe(true);
      expect(
        await call('open_getProof', [{ address: sender }, { blockHash: t.node.chain.genesisHash }]),
      ).toEqual(genesis);
    });

    it('a raw state key: the validator set', async () => {
      const key = `0x${Buffer.from(stateKeys.validators()).toString('hex')}`;
      const p = await call<ProofJson>('open_getProof', [{ key }, 'latest']);
      expect(p.stateKey).toBe(key);
      expect(p.value).not.toBeNull();
      expect(verifies(p)).toBe(true);
    });

    it('errors: future block, malformed target', async () => {
      expect((await rpc('open_getProof', [{ address: sender }, '0xffffff'])).error).toEqual({
        code: -32000,
        message: 'header not found',
      });
      for (const target of [
        sender,
        { address: '0x12' },
        { address: sender, key: '0x01' },
        { key: 'zz' },
        {},
      ]) {
        expect((await rpc('open_getProof', [target])).error, JSON.stringify(target)).toMatchObject({
          code: -32602,
        });
      }
    });
  });
});
