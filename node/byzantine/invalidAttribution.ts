// TEST-ONLY (README.md). `propose-invalid-attribution`: this node's proposals carry an inference
// record whose span proof is invalid, under a header that reports it paid out.
//
// Under the chain's rules a record that fails verification is a failed transaction in a valid block
// (docs/attribution.md, "Span proofs"), so merely including one is honest. The attack is the lie
// about its outcome: the proposer builds the block with a valid twin of the record (the real
// builder executes it and pays the contributors), then swaps in the record with a damaged Merkle
// path and fixes only txRoot. Every honest validator re-executes the record, finds INVALID_PROOF,
// and so a different receipts and state root: the proposal is invalid.
//
// The record comes from real state: the calldata of the latest record the chain committed
// successfully (a registered model and contributions, a real output and real proofs), sent again
// from an account derived from the validator key (`byzantineAccount`), which the test funds.
import { AbiFunction } from 'ox';
import type { Logger } from 'pino';
import type { ConsensusApp } from '../../consensus/types.ts';
import { type Address, addressFromPrivateKey } from '../../core/address.ts';
import { type Block, blockHash, type ProposalInput, txRoot } from '../../core/block.ts';
import { bytesToHex, equalBytes, hexToBytes, utf8ToBytes } from '../../core/bytes.ts';
import { keccak256, keccak256Concat } from '../../core/hash.ts';
import { SECP256K1_N } from '../../core/secp256k1.ts';
import { decodeTx, type SignedTx, signTx } from '../../core/tx.ts';
import { inferenceCalldata } from '../../prover/calldata.ts';
import { readAccount } from '../../state/accounts.ts';
import type { Chain, CommittedBlockInfo } from '../../state/chain.ts';
import { nextBaseFee } from '../../state/execution/gas.ts';
import { simulateCall } from '../../state/execution/simulate.ts';
import { MempoolError } from '../../state/mempool/errors.ts';
import { ATTRIBUTION_ADDRESS, attributionAbi } from '../../state/modules/attribution/abi.ts';
import type { ValidatorKey } from '../keys.ts';

const RECORD = AbiFunction.fromAbi(attributionAbi, 'recordInference');
const SELECTOR = hexToBytes(AbiFunction.getSelector(RECORD));
const ACCOUNT_DOMAIN = utf8ToBytes('openchain test-only byzantine account');
const PRIORITY_FEE = 10n ** 9n;

/** The account this mode sends records from: derived from the validator key, so a test can fund it. */
export function byzantineAccount(key: ValidatorKey): {
  readonly privateKey: Uint8Array;
  readonly address: Address;
} {
  let privateKey = keccak256Concat(ACCOUNT_DOMAIN, key.secretKey);
  const scalar = () => BigInt(bytesToHex(privateKey));
  while (scalar() === 0n || scalar() >= SECP256K1_N) privateKey = keccak256(privateKey);
  return { privateKey, address: addressFromPrivateKey(privateKey) };
}

/** The same record with the first sibling of its first Merkle path (or, in a one-chunk tree, its chunk) altered. */
export function withInvalidProof(data: Uint8Array): Uint8Array {
  const [modelId, output, spans] = AbiFunction.decodeData(RECORD, bytesToHex(data));
  const proofs = spans.map((s) => ({
    ...s,
    chunks: s.chunks.map((c) => hexToBytes(c)),
    paths: s.paths.map((p) => p.map((node) => hexToBytes(node))),
  }));
  const first = proofs[0];
  if (!first) throw new Error('a record without spans has no proof to make invalid');
  const damaged = first.paths[0]?.[0] ?? first.chunks[0]!;
  damaged[0] = damaged[0]! ^ 0x01;
  return hexToBytes(inferenceCalldata(modelId, hexToBytes(output), proofs));
}

interface Template {
  readonly data: Uint8Array;
  readonly value: bigint;
  readonly gasLimit: bigint;
}

interface Twins {
  readonly nonce: bigint;
  readonly valid: SignedTx;
  readonly invalid: SignedTx;
}

export class InvalidAttribution {
  readonly #chain: Chain;
  readonly #log: Logger;
  readonly #account: ReturnType<typeof byzantineAccount>;
  #template: Template | undefined;
  #twins: Twins | undefined;
  #lastWhyNot = '';

  constructor(chain: Chain, key: ValidatorKey, log: Logger) {
    this.#chain = chain;
    this.#log = log;
    this.#account = byzantineAccount(key);
    chain.onCommit((info) => this.#learn(info));
    log.warn(
      { mode: 'propose-invalid-attribution', account: this.#account.address },
      'byzantine: invalid attribution records will be sent from this account once it is funded and a record is committed',
    );
  }

  get address(): Address {
    return this.#account.address;
  }

  /** Builds with the real builder; when the valid twin made it into the block, swaps in the invalid one. */
  async prepareProposal(app: ConsensusApp, input: ProposalInput): Promise<Block> {
    const twins = await this.#stage(input);
    const block = await app.prepareProposal(input);
    const at = twins ? block.txs.findIndex((raw) => equalBytes(raw, twins.valid.raw)) : -1;
    if (!twins || at < 0) return block;
    const txs = block.txs.with(at, twins.invalid.raw);
    const invalid: Block = { ...block, txs, header: { ...block.header, txRoot: txRoot(txs) } };
    this.#log.warn(
      {
        mode: 'propose-invalid-attribution',
        height: input.height,
        tx: twins.invalid.hash,
        valid: twins.valid.hash,
        block: blockHash(invalid.header),
      },
      'byzantine: proposing an invalid attribution record reported as paid out',
    );
    return invalid;
  }

  /** Remembers the latest record the chain paid out. */
  #learn(info: CommittedBlockInfo): void {
    for (const [i, raw] of info.block.txs.entries()) {
      if (info.receipts[i]?.status !== 1) continue;
      const tx = decodeTx(raw);
      if (tx.to !== ATTRIBUTION_ADDRESS || !equalBytes(tx.data.subarray(0, 4), SELECTOR)) continue;
      this.#template = { data: tx.data, value: tx.value, gasLimit: tx.gasLimit };
    }
  }

  /**
   * Puts the valid twin into this node's own mempool (never gossiped), so the builder executes it.
   * Only when it would pay out now: otherwise both twins fail alike and the block would be honest.
   */
  async #stage(input: ProposalInput): Promise<Twins | undefined> {
    const template = this.#template;
    if (!template) return this.#skip('no inference record committed yet to copy');
    const chain = this.#chain;
    const { address } = this.#account;
    const params = chain.params();
    const outcome = simulateCall(
      chain.state,
      { chainId: chain.chainId, height: input.height, time: input.time, params },
      chain.modules,
      { from: address, to: ATTRIBUTION_ADDRESS, ...template, accessList: [] },
    );
    if (outcome.status !== 1) return this.#skip(`the copied record would not pay out now: ${outcome.error}`);
    const { nonce } = readAccount(chain.state, address);
    if (this.#twins?.nonce !== nonce || !equalBytes(this.#twins.valid.data, template.data)) {
      const sign = (data: Uint8Array) =>
        signTx(
          {
            type: 2,
            chainId: chain.chainId,
            nonce,
            maxFeePerGas: 10n * nextBaseFee(chain.head.header, params) + PRIORITY_FEE,
            maxPriorityFeePerGas: PRIORITY_FEE,
            gasLimit: template.gasLimit,
            to: ATTRIBUTION_ADDRESS,
            value: template.value,
            data,
            accessList: [],
          },
          this.#account.privateKey,
        );
      this.#twins = { nonce, valid: sign(template.data), invalid: sign(withInvalidProof(template.data)) };
    }
    try {
      await chain.mempool.add(this.#twins.valid.raw);
    } catch (err) {
      if (!(err instanceof MempoolError)) throw err;
      if (err.code !== 'ALREADY_KNOWN') return this.#skip(`the valid twin is refused: ${err.message}`);
    }
    return this.#twins;
  }

  #skip(why: string): undefined {
    if (why !== this.#lastWhyNot) {
      this.#log.info({ mode: 'propose-invalid-attribution', why }, 'byzantine: no invalid record this time');
      this.#lastWhyNot = why;
    }
    return undefined;
  }
}
