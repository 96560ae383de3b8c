// Typed reads and writes of the governance records. Transactions pass a metered view of the state;
// the end-of-block step passes the block's state unmetered.
import type { Address } from '../../../core/address.ts';
import type { StateReader } from '../../stateDb.ts';
import type { StateWriter } from '../attribution/store.ts';
import { GovError } from './errors.ts';
import { govKeys as keys } from './keys.ts';
import {
  addressListRecord,
  amountRecord,
  counterRecord,
  idListRecord,
  type ProposalRecord,
  proposalRecord,
  type VoteOption,
  voteRecord,
} from './records.ts';

function read<T>(state: StateReader, key: Uint8Array, decode: (bytes: Uint8Array) => T): T | undefined {
  const bytes = state.get(key);
  return bytes ? decode(bytes) : undefined;
}

export function lastProposalId(state: StateReader): number {
  return read(state, keys.counter(), counterRecord.decode)?.last ?? 0;
}

export function setLastProposalId(state: StateWriter, last: number): void {
  state.set(keys.counter(), counterRecord.encode({ last }));
}

export function readProposal(state: StateReader, id: number): ProposalRecord | undefined {
  return read(state, keys.proposal(id), proposalRecord.decode);
}

export function requireProposal(state: StateReader, id: bigint): ProposalRecord {
  const p = id <= BigInt(Number.MAX_SAFE_INTEGER) ? readProposal(state, Number(id)) : undefined;
  if (!p) throw new GovError('UNKNOWN_PROPOSAL', `no proposal with id ${id}`);
  return p;
}

export function writeProposal(state: StateWriter, p: ProposalRecord): void {
  state.set(keys.proposal(p.id), proposalRecord.encode(p));
}

export function readDeposit(state: StateReader, id: number, depositor: Address): bigint {
  return read(state, keys.deposit(id, depositor), amountRecord.decode)?.amount ?? 0n;
}

/** Adds to a depositor's deposit, listing the depositor on its first one. */
export function addDeposit(state: StateWriter, id: number, depositor: Address, amount: bigint): void {
  const before = readDeposit(state, id, depositor);
  if (before === 0n) {
    const listed = readDepositors(state, id);
    state.set(keys.depositors(id), addressListRecord.encode({ addresses: [...listed, depositor] }));
  }
  state.set(keys.deposit(id, depositor), amountRecord.encode({ amount: before + amount }));
}

export function readDepositors(state: StateReader, id: number): readonly Address[] {
  return read(state, keys.depositors(id), addressListRecord.decode)?.addresses ?? [];
}

export function readVote(state: StateReader, id: number, voter: Address) {
  return read(state, keys.vote(id, voter), voteRecord.decode) as
    | { option: VoteOption; index: number }
    | undefined;
}

export function writeVote(
  state: StateWriter,
  id: number,
  voter: Address,
  option: VoteOption,
  index: number,
): void {
  state.set(keys.vote(id, voter), voteRecord.encode({ option, index }));
}

export function readVoterAt(state: StateReader, id: number, index: number): Address {
  const voter = read(state, keys.voter(id, index), addressListRecord.decode)?.addresses[0];
  if (!voter) throw new Error(`proposal ${id} has no voter record ${index}`);
  return voter;
}

export function writeVoterAt(state: StateWriter, id: number, index: number, voter: Address): void {
  state.set(keys.voter(id, index), addressListRecord.encode({ addresses: [voter] }));
}

/** Every (voter, option) of a proposal, in the order of first votes. */
export function readVotes(state: StateReader, p: ProposalRecord): { voter: Address; option: VoteOption }[] {
  const out: { voter: Address; option: VoteOption }[] = [];
  for (let i = 0; i < p.voters; i++) {
    const voter = readVoterAt(state, p.id, i);
    out.push({ voter, option: readVote(state, p.id, voter)!.option });
  }
  return out;
}

export function readQueue(state: StateReader, height: number): readonly number[] {
  return read(state, keys.queue(height), idListRecord.decode)?.ids ?? [];
}

export function enqueue(state: StateWriter, height: number, id: number): void {
  state.set(keys.queue(height), idListRecord.encode({ ids: [...readQueue(state, height), id] }));
}

export function dequeue(state: StateWriter, height: number, id: number): void {
  const ids = readQueue(state, height).filter((x) => x !== id);
  state.set(keys.queue(height), ids.length ? idListRecord.encode({ ids }) : null);
}
