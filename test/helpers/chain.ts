// A real Chain on a temporary LevelDB, with a single validator that can commit blocks, for tests
// of the state layer and anything built on it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Address } from '../../core/address.ts';
import type { Block } from '../../core/block.ts';
import { ed25519Sign } from '../../core/ed25519.ts';
import { PRECOMMIT, voteSignBytes } from '../../core/vote.ts';
import { buildGenesisBlock } from '../../genesis/build.ts';
import type { GenesisInput } from '../../genesis/schema.ts';
import { makeGenesis } from '../../node/init.ts';
import { generateValidatorKey, type ValidatorKey } from '../../node/keys.ts';
import { Chain, type ChainOptions, type CommittedBlockInfo } from '../../state/chain.ts';
import { Database } from '../../state/store/database.ts';

export interface TestChain {
  readonly chain: Chain;
  readonly dir: string;
  readonly validatorKey: ValidatorKey;
  /** Builds the next block from the mempool, commits it with a one-signature commit, returns it. */
  produce(time?: number): Promise<CommittedBlockInfo>;
  /** Commits a block built elsewhere (e.g. a tampered one, to see it rejected). */
  commit(block: Block): Promise<CommittedBlockInfo>;
  reopen(): Promise<TestChain>;
  close(): Promise<void>;
}

export interface TestChainOptions extends ChainOptions {
  readonly alloc?: readonly { address: Address; balance: bigint }[];
  readonly params?: Partial<GenesisInput['params']>;
  readonly rewardAddress?: Address;
  /** Allocations added after genesis validation, to build states that validation forbids. */
  readonly uncheckedAlloc?: readonly { address: Address; balance: bigint }[];
}

const REWARD: Address = '0x00000000000000000000000000000000000fee01';

export async function openTestChain(opts: TestChainOptions = {}): Promise<TestChain> {
  const dir = mkdtempSync(join(tmpdir(), 'openchain-test-'));
  const validatorKey = generateValidatorKey();
  const genesis = makeGenesis({
    chainId: 1337,
    genesisTime: new Date('2026-01-01T00:00:00Z'),
    alloc: opts.alloc ?? [],
    params: opts.params,
    validators: [{ name: 'v0', key: validatorKey, power: 10n, rewardAddress: opts.rewardAddress ?? REWARD }],
  });
  const genesisBlock = await buildGenesisBlock({
    ...genesis,
    alloc: [...genesis.alloc, ...(opts.uncheckedAlloc ?? [])],
  });
  const open = async (): Promise<TestChain> => {
    const db = await Database.open(join(dir, 'db'));
    const chain = await Chain.open(db, genesisBlock, opts);
    const commitBlock = async (block: Block) => {
      const hash = await chain.processProposal(block);
      const vote = { type: PRECOMMIT, height: block.header.height, round: 0, blockHash: hash } as const;
      const signature = ed25519Sign(voteSignBytes(chain.chainId, vote), validatorKey.secretKey);
      const [validator] = chain.validators();
      return chain.finalizeBlock(block, {
        ...vote,
        signatures: [{ validator: validator!.address, signature }],
      });
    };
    return {
      chain,
      dir,
      validatorKey,
      async produce(time) {
        const parent = chain.head;
        const height = parent.header.height + 1;
        const block = await chain.prepareProposal({
          height,
          time: time ?? parent.header.time + 1000,
          proposer: chain.validators()[0]!,
          lastCommit: height === 1 ? null : (chain.blocks.getCommit(height - 1) ?? null),
          evidence: [],
        });
        return commitBlock(block);
      },
      commit: commitBlock,
      async reopen() {
        await db.close();
        return open();
      },
      async close() {
        await db.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  };
  return open();
}
