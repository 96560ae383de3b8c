// A minimal in-memory chain behind ConsensusApp: real core blocks (header fields checked the way the
// real Chain checks them), real commit certificates verified on finalize, a mempool of opaque
// transactions, validator-set changes at chosen heights, and a hook to reject blocks.

import type { ConsensusApp } from '../../../consensus/types.ts';
import {
  type Block,
  blockHash,
  evidenceListHash,
  type Header,
  type ProposalInput,
  txRoot,
} from '../../../core/block.ts';
import { bytesToHex, type Hex } from '../../../core/bytes.ts';
import { type Validator, validatorsHash } from '../../../core/validator.ts';
import { type Commit, commitHash, verifyCommit } from '../../../core/vote.ts';
import { CHAIN_ID, GENESIS_TIME, makeBlock } from './fixtures.ts';

class InvalidBlock extends Error {
  readonly code = 'INVALID_PROPOSAL';
}

interface Stored {
  readonly block: Block;
  readonly hash: Hex;
  readonly commit: Commit | null;
}

export interface MemoryAppOptions {
  /** The validator set that takes effect after committing a height (for the next one). */
  readonly changes?: ReadonlyMap<number, readonly Validator[]>;
}

export class MemoryApp implements ConsensusApp {
  readonly chainId = CHAIN_ID;
  readonly #chain: Stored[];
  readonly #changes: ReadonlyMap<number, readonly Validator[]>;
  #validators: readonly Validator[];
  /** Pending transactions (add them with addTx); prepareProposal takes up to 10. */
  txs: Uint8Array[] = [];
  readonly #available: (() => void)[] = [];
  /** Return a reason to make processProposal reject a block. */
  reject: ((block: Block) => string | undefined) | undefined;
  processCalls = 0;

  constructor(validators: readonly Validator[], opts: MemoryAppOptions = {}) {
    this.#validators = validators;
    this.#changes = opts.changes ?? new Map();
    const genesis = makeBlock({
      height: 0,
      parent: { hash: `0x${'00'.repeat(32)}`, time: GENESIS_TIME - 1 },
      time: GENESIS_TIME,
      proposer: validators[0]!.address,
      validators,
      lastCommit: null,
    });
    this.#chain = [{ block: genesis, hash: blockHash(genesis.header), commit: null }];
  }

  get head(): { header: Header; hash: Hex } {
    const top = this.#chain[this.#chain.length - 1]!;
    return { header: top.block.header, hash: top.hash };
  }

  get height(): number {
    return this.#chain.length - 1;
  }

  blockAt(height: number): Stored | undefined {
    return this.#chain[height];
  }

  validators(): readonly Validator[] {
    return this.#validators;
  }

  readonly blocks = { getCommit: (height: number) => this.#chain[height]?.commit ?? undefined };

  readonly mempool = {
    stats: () => ({ pending: this.txs.length }),
    onTxsAvailable: (listener: () => void) => void this.#available.push(listener),
  };

  /** A transaction arrives in the mempool, which tells whoever listens (as the real one does). */
  addTx(tx: Uint8Array): void {
    this.txs.push(tx);
    for (const listener of this.#available) listener();
  }

  #nextValidators(height: number): readonly Validator[] {
    return this.#changes.get(height) ?? this.#validators;
  }

  /** The block this app would build; `txs` overrides the mempool (a byzantine proposer's variant). */
  build(input: ProposalInput, txs: readonly Uint8Array[] = this.txs.slice(0, 10)): Block {
    const head = this.head;
    return makeBlock({
      height: input.height,
      parent: { hash: head.hash, time: head.header.time },
      time: input.time,
      proposer: input.proposer.address,
      validators: this.#validators,
      nextValidators: this.#nextValidators(input.height),
      lastCommit: input.lastCommit,
      txs,
      evidence: input.evidence,
      parentStateRoot: head.header.stateRoot,
    });
  }

  async prepareProposal(input: ProposalInput): Promise<Block> {
    return this.build(input);
  }

  async processProposal(block: Block): Promise<Hex> {
    this.processCalls++;
    const h = block.header;
    const head = this.head;
    const expect = (ok: boolean, what: string) => {
      if (!ok) throw new InvalidBlock(`block ${h.height}: ${what}`);
    };
    expect(h.chainId === this.chainId, 'chain id');
    expect(h.height === head.header.height + 1, 'height');
    expect(h.parentHash === head.hash, 'parent');
    expect(h.time > head.header.time, 'time');
    expect(h.txRoot === txRoot(block.txs), 'txRoot');
    expect(h.evidenceHash === evidenceListHash(block.evidence), 'evidenceHash');
    expect(h.lastCommitHash === bytesToHex(commitHash(block.lastCommit)), 'lastCommitHash');
    expect(h.validatorsHash === bytesToHex(validatorsHash(this.#validators)), 'validatorsHash');
    expect(
      h.nextValidatorsHash === bytesToHex(validatorsHash(this.#nextValidators(h.height))),
      'nextValidatorsHash',
    );
    const rebuilt = makeBlock({
      height: h.height,
      parent: { hash: head.hash, time: head.header.time },
      time: h.time,
      proposer: h.proposer,
      validators: this.#validators,
      nextValidators: this.#nextValidators(h.height),
      lastCommit: block.lastCommit,
      txs: block.txs,
      evidence: block.evidence,
      parentStateRoot: head.header.stateRoot,
      salt: Number(h.gasUsed),
    });
    expect(rebuilt.header.stateRoot === h.stateRoot, 'stateRoot');
    const why = this.reject?.(block);
    expect(why === undefined, why ?? '');
    return blockHash(h);
  }

  async finalizeBlock(block: Block, commit: Commit): Promise<void> {
    const hash = await this.processProposal(block);
    if (commit.blockHash !== hash) throw new Error('commit is for another block');
    verifyCommit(this.chainId, commit, this.#validators);
    this.#chain.push({ block, hash, commit });
    this.#validators = this.#nextValidators(block.header.height);
    const included = new Set(block.txs.map((t) => bytesToHex(t)));
    this.txs = this.txs.filter((t) => !included.has(bytesToHex(t)));
  }
}
