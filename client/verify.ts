// Checking what a node says instead of trusting it: a block's commit certificate against a validator
// set, and an account's state against a block's state root, with the node's own verifiers.
import type { Client, Hex } from 'viem';
import { type Address, parseAddress } from '../core/address.ts';
import { bytesToHex, equalBytes, hexToBytes } from '../core/bytes.ts';
import { OpenchainError } from '../core/errors.ts';
import { sha256 } from '../core/hash.ts';
import type { Validator } from '../core/validator.ts';
import { type Commit, verifyCommit } from '../core/vote.ts';
import { type Account, decodeAccount } from '../state/accounts.ts';
import { stateKeys } from '../state/stateKeys.ts';
import { proofFromJson, verifyProof } from '../state/tree/index.ts';
import type { CommitJson, ValidatorSetJson } from './json.ts';
import { type BlockRef, openActions } from './open.ts';

/** What the node answered does not check out; `code` says which check failed. */
export class VerificationError extends OpenchainError<
  'NO_COMMIT' | 'COMMIT_MISMATCH' | 'BAD_COMMIT' | 'ROOT_MISMATCH' | 'KEY_MISMATCH' | 'BAD_PROOF'
> {}

export function commitFromJson(json: CommitJson): Commit {
  return {
    height: Number(json.height),
    round: Number(json.round),
    blockHash: json.blockHash,
    signatures: json.signatures.map((s) => ({
      validator: parseAddress(s.validator),
      signature: hexToBytes(s.signature),
    })),
  };
}

export function validatorsFromJson(json: ValidatorSetJson): Validator[] {
  return json.validators.map((v) => ({
    address: parseAddress(v.address),
    pubKey: hexToBytes(v.pubKey),
    power: BigInt(v.power),
    rewardAddress: parseAddress(v.rewardAddress),
  }));
}

async function blockAt(client: Client, number: bigint) {
  const block = (await client.request({
    method: 'eth_getBlockByNumber',
    params: [`0x${number.toString(16)}`, false],
  })) as { hash: Hex; stateRoot: Hex } | null;
  if (!block) throw new VerificationError('NO_COMMIT', `the node has no block ${number}`);
  return block;
}

/**
 * Checks that block `height` carries a commit certificate signed by more than two thirds of
 * `trusted` (a light client's known set). Without `trusted`, the set the node reports for that
 * height is used: that shows the node is consistent, not that it is honest. Returns the block hash.
 */
export async function verifyBlockCommit(
  client: Client,
  height: bigint,
  opts: { chainId: bigint; trusted?: readonly Validator[] },
): Promise<Hex> {
  const open = openActions(client);
  const [json, block] = await Promise.all([open.getCommit(height), blockAt(client, height)]);
  if (!json) throw new VerificationError('NO_COMMIT', `block ${height} has no commit certificate`);
  const commit = commitFromJson(json);
  if (commit.blockHash !== block.hash || BigInt(commit.height) !== height)
    throw new VerificationError(
      'COMMIT_MISMATCH',
      `the commit is for block ${commit.height} ${commit.blockHash}, not block ${height} ${block.hash}`,
    );
  const validators = opts.trusted ?? validatorsFromJson(await open.validatorSet(height));
  try {
    verifyCommit(opts.chainId, commit, validators);
  } catch (err) {
    throw new VerificationError('BAD_COMMIT', `block ${height}: ${(err as Error).message}`, { cause: err });
  }
  return block.hash;
}

/**
 * An account's nonce and balance at a block, proven against that block's state root (null: the
 * account does not exist). Pair it with verifyBlockCommit to trust the root itself.
 */
export async function verifyAccount(
  client: Client,
  address: Hex,
  block: BlockRef = 'latest',
): Promise<{ blockNumber: bigint; blockHash: Hex; stateRoot: Hex; account: Account | null }> {
  const p = await openActions(client).getProof({ address }, block);
  const header = await blockAt(client, BigInt(p.blockNumber));
  if (header.stateRoot !== p.stateRoot || header.hash !== p.blockHash)
    throw new VerificationError(
      'ROOT_MISMATCH',
      `the proof is against state root ${p.stateRoot}, block ${p.blockNumber} has ${header.stateRoot}`,
    );
  const treeKey = sha256(stateKeys.account(parseAddress(address) as Address));
  if (!equalBytes(treeKey, hexToBytes(p.treeKey)))
    throw new VerificationError(
      'KEY_MISMATCH',
      `the proof is about key ${p.treeKey}, not ${bytesToHex(treeKey)}`,
    );
  const value = p.value === null ? undefined : hexToBytes(p.value);
  if (!verifyProof(hexToBytes(p.stateRoot), treeKey, value, proofFromJson(p.proof)))
    throw new VerificationError(
      'BAD_PROOF',
      `the proof of ${address} does not verify against ${p.stateRoot}`,
    );
  return {
    blockNumber: BigInt(p.blockNumber),
    blockHash: p.blockHash,
    stateRoot: p.stateRoot,
    account: value ? decodeAccount(value) : null,
  };
}
