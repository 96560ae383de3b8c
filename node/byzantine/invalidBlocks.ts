// TEST-ONLY (README.md). Invalid blocks: the application consensus drives, wrapped so that this
// node's proposals carry a transaction no honest node accepts (`propose-invalid-tx`), and so that
// a proposal the application finds invalid is reported valid, which makes the real engine prevote
// and precommit it through the real signer (`vote-invalid`).
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { ConsensusApp } from '../../consensus/types.ts';
import { type Block, blockHash, txRoot } from '../../core/block.ts';
import { SECP256K1_N } from '../../core/secp256k1.ts';
import { signTx } from '../../core/tx.ts';
import type { InvalidAttribution } from './invalidAttribution.ts';

export interface InvalidBlockOptions {
  readonly proposeInvalidTx: boolean;
  readonly voteInvalid: boolean;
  /** `propose-invalid-attribution`, when on. */
  readonly invalidAttribution?: InvalidAttribution;
  readonly log: Logger;
}

/** Nonce of the invalid transaction: its fresh sender's next nonce is 0. */
const BAD_NONCE = 1_000_000n;

export function invalidBlockApp(app: ConsensusApp, opts: InvalidBlockOptions): ConsensusApp {
  const { log } = opts;
  return {
    chainId: app.chainId,
    get head() {
      return app.head;
    },
    validators: () => app.validators(),
    blocks: app.blocks,
    mempool: app.mempool,
    async prepareProposal(input) {
      const block = await (opts.invalidAttribution?.prepareProposal(app, input) ??
        app.prepareProposal(input));
      if (!opts.proposeInvalidTx) return block;
      const bad = invalidTx(app.chainId, block.header.baseFeePerGas);
      const txs = [...block.txs, bad.raw];
      const invalid: Block = { ...block, txs, header: { ...block.header, txRoot: txRoot(txs) } };
      log.warn(
        { mode: 'propose-invalid-tx', height: input.height, tx: bad.hash, block: blockHash(invalid.header) },
        'byzantine: proposing a block with an invalid transaction',
      );
      return invalid;
    },
    async processProposal(block) {
      try {
        return await app.processProposal(block);
      } catch (err) {
        if (!opts.voteInvalid || (err as { code?: unknown }).code !== 'INVALID_PROPOSAL') throw err;
        const hash = blockHash(block.header);
        log.warn(
          { mode: 'vote-invalid', height: block.header.height, block: hash, why: (err as Error).message },
          'byzantine: treating an invalid proposal as valid',
        );
        return hash;
      }
    },
    finalizeBlock: (block, commit) => app.finalizeBlock(block, commit),
  };
}

/**
 * A well-formed, validly signed transfer that no block may hold: its sender is a fresh account
 * (no funds) and its nonce is far ahead of the account's.
 */
function invalidTx(chainId: bigint, baseFee: bigint) {
  let key = randomBytes(32);
  while (BigInt(`0x${key.toString('hex')}`) >= SECP256K1_N || key.every((b) => b === 0))
    key = randomBytes(32);
  return signTx(
    {
      type: 2,
      chainId,
      nonce: BAD_NONCE,
      maxFeePerGas: 2n * baseFee + 1n,
      maxPriorityFeePerGas: 1n,
      gasLimit: 21_000n,
      to: '0x000000000000000000000000000000000000dead',
      value: 1n,
      data: new Uint8Array(),
      accessList: [],
    },
    key,
  );
}
