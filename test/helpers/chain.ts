// A real Chain on a temporary LevelDB, with validators whose keys the test holds (one by default)
// so it can commit blocks, choose who signs each commit, and sign double votes, for tests of the
// state layer and anything built on it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Address } from '../../core/address.ts';
import type { Block } from '../../core/block.ts';
import { ed25519Sign } from '../../core/ed25519.ts';
import type { Evidence } from '../../core/evidence.ts';
import { validatorAddress } from '../../core/validator.ts';
import { PRECOMMIT, voteSignBytes } from '../../core/vote.ts';
import { buildGenesisBlock } from '../../genesis/build.ts';
import type { GenesisInput } from '../../genesis/schema.ts';
import { type AllocSpec, type GenesisSpec, makeGenesis } from '../../node/init.ts';
import { generateValidatorKey, type ValidatorKey } from '../../node/keys.ts';
import { Chain, type ChainOptions, type CommittedBlockInfo } from '../../state/chain.ts';
import { Database } from '../../state/store/database.ts';

export interface ProduceOptions {
  readonly time?: number;
  /** Validators (consensus addresses) of the set whose signatures this block's commit leaves out. */
  readonly absent?: readonly Address[];
  readonly evidence?: readonly Evidence[];
  /** The proposer's cap on transactions (ProposalInput.maxTxs). */
  readonly maxTxs?: number;
}

export interface TestChain {
  readonly chain: Chain;
  readonly dir: string;
  /** The first genesis validator's key. */
  readonly validatorKey: ValidatorKey;
  /** Every genesis validator's key, in genesis order. */
  readonly validatorKeys: readonly ValidatorKey[];
  /**
   * Builds the next block from the mempool (proposer: the set's first validator), commits it with
   * the signatures of every validator of the set whose key the test holds, returns it.
   */
  produce(time?: number | ProduceOptions): Promise<CommittedBlockInfo>;
  /** The block `produce` would build next, prepared and not committed. */
  propose(time?: number | ProduceOptions): Promise<Block>;
  /** Commits a block built elsewhere (e.g. a tampered one, to see it rejected). */
  commit(block: Block, absent?: readonly Address[]): Promise<CommittedBlockInfo>;
  /** Lets the chain sign with a key that joins the set later (a validator created by a transaction). */
  addKey(key: ValidatorKey): void;
  /** Another node's Chain from the same genesis on its own database (closed with this one). */
  follower(): Promise<Chain>;
  /**
   * Lets go of the genesis state (its changes and records), which only follower() needs: at a
   * million accounts it is millions of objects that every major collection would mark, a cost of
   * this helper that a node does not have (bench/scale.ts). follower() throws after it.
   */
  dropGenesisState(): void;
  reopen(): Promise<TestChain>;
  close(): Promise<void>;
}

export interface TestChainOptions extends ChainOptions {
  readonly alloc?: readonly AllocSpec[];
  /** Time of block 0 (default 2026-01-01T00:00:00Z). */
  readonly genesisTime?: Date;
  readonly params?: Partial<GenesisInput['params']>;
  readonly rewardAddress?: Address;
  /** Genesis validators (default one, of power 10, operated by rewardAddress). */
  readonly validators?: readonly { power: bigint; rewardAddress: Address }[];
  readonly staking?: GenesisSpec['staking'];
  readonly gov?: GenesisSpec['gov'];
  /** Allocations added after genesis validation, to build states that validation forbids. */
  readonly uncheckedAlloc?: readonly { address: Address; balance: bigint }[];
}

const REWARD: Address = '0x00000000000000000000000000000000000fee01';

export async function openTestChain(opts: TestChainOptions = {}): Promise<TestChain> {
  const dir = mkdtempSync(join(tmpdir(), 'openchain-test-'));
  const specs = opts.validators ?? [{ power: 10n, rewardAddress: opts.rewardAddress ?? REWARD }];
  const validatorKeys = specs.map(() => generateValidatorKey());
  const genesis = makeGenesis({
    chainId: 1337,
    genesisTime: opts.genesisTime ?? new Date('2026-01-01T00:00:00Z'),
    alloc: opts.alloc ?? [],
    params: opts.params,
    staking: opts.staking,
    gov: opts.gov,
    validators: specs.map((v, i) => ({ name: `v${i}`, key: validatorKeys[i]!, ...v })),
  });
  let genesisBlock = await buildGenesisBlock({
    ...genesis,
    alloc: [...genesis.alloc, ...(opts.uncheckedAlloc ?? [])],
  });
  const secrets = new Map<Address, Uint8Array>();
  const addKey = (key: ValidatorKey) => secrets.set(validatorAddress(key.pubKey), key.secretKey);
  for (const key of validatorKeys) addKey(key);
  const followers: Database[] = [];
  const open = async (): Promise<TestChain> => {
    const db = await Database.open(join(dir, 'db'));
    const chain = await Chain.open(db, genesisBlock, opts);
    const commitBlock = async (block: Block, absent: readonly Address[] = []) => {
      const signers = chain.validators().filter((v) => secrets.has(v.address) && !absent.includes(v.address));
      const hash = await chain.processProposal(block);
      const vote = { type: PRECOMMIT, height: block.header.height, round: 0, blockHash: hash } as const;
      const signBytes = voteSignBytes(chain.chainId, vote);
      return chain.finalizeBlock(block, {
        ...vote,
        signatures: signers.map((v) => ({
          validator: v.address,
          signature: ed25519Sign(signBytes, secrets.get(v.address)!),
        })),
      });
    };
    const propose = (arg?: number | ProduceOptions): Promise<Block> => {
      const o: ProduceOptions = typeof arg === 'number' ? { time: arg } : (arg ?? {});
      const parent = chain.head;
      const height = parent.header.height + 1;
      return chain.prepareProposal({
        height,
        time: o.time ?? parent.header.time + 1000,
        proposer: chain.validators()[0]!,
        lastCommit: height === 1 ? null : (chain.blocks.getCommit(height - 1) ?? null),
        evidence: o.evidence ?? [],
        maxTxs: o.maxTxs,
      });
    };
    return {
      chain,
      dir,
      validatorKey: validatorKeys[0]!,
      validatorKeys,
      addKey,
      propose,
      async produce(arg) {
        const absent = typeof arg === 'object' ? arg.absent : undefined;
        return commitBlock(await propose(arg), absent);
      },
      commit: commitBlock,
      async follower() {
        if (genesisBlock.nodes.length === 0) throw new Error('the genesis state was dropped');
        const followerDb = await Database.open(join(dir, `follower${followers.length}`));
        followers.push(followerDb);
        return Chain.open(followerDb, genesisBlock, opts);
      },
      dropGenesisState() {
        genesisBlock = { ...genesisBlock, changes: [], nodes: [] };
      },
      async reopen() {
        await db.close();
        return open();
      },
      async close() {
        for (const f of followers) await f.close();
        await db.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  };
  return open();
}
