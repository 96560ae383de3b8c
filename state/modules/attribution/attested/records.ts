// Attested records, their attestations and each validator's run of missed attestations, declared
// once (state/codec/schema.ts derives their canonical RLP; field order is the encoding), with their
// keys and their reads and writes through the call's metered state.
//
// Keys: StateSpace.module, then a kind byte from the block 0xd0-0xdf, reserved for these records
// (the attribution module's own block, 0xa0-0xaf, is full), then the record's key.
import { type Address, addressToBytes } from '../../../../core/address.ts';
import { concatBytes, u64ToBytes } from '../../../../core/bytes.ts';
import {
  address,
  bigUint,
  bool,
  bytes,
  list,
  type RecordOf,
  record,
  uint16,
  uint32,
  uint64,
  uint256,
} from '../../../codec/schema.ts';
import type { StateReader } from '../../../stateDb.ts';
import { StateSpace } from '../../../stateKeys.ts';
import { AttributionError } from '../errors.ts';
import { payoutRecord } from '../escrowRecords.ts';
import type { StateWriter } from '../store.ts';

const Kind = {
  /** inference id -> its attested record. */
  record: 0xd0,
  /** (inference id, index in the record's validator snapshot) -> that validator's attestation. */
  attestation: 0xd1,
  /** validator operator -> attested records it missed in a row (settlement order). */
  misses: 0xd2,
} as const;

const key = (kind: number, ...rest: Uint8Array[]) =>
  concatBytes(Uint8Array.of(StateSpace.module, kind), ...rest);

export const attestedKeys = {
  record: (id: bigint) => key(Kind.record, u64ToBytes(id)),
  attestation: (id: bigint, index: number) =>
    key(Kind.attestation, u64ToBytes(id), Uint8Array.of(index >> 8, index & 0xff)),
  misses: (validator: Address) => key(Kind.misses, addressToBytes(validator)),
};

const id64 = bigUint(64);

/** A validator of the set at the record's height: its operator address and voting power then. */
const attesterFields = { operator: address, power: uint256 };
export type Attester = RecordOf<typeof attesterFields>;

const attestedFields = {
  modelId: id64,
  /** Who recorded it and paid the fee: a refund (no quorum) goes back here. */
  recorder: address,
  height: uint64,
  /** sha256 of the output (in the record transaction's calldata, where attestors read it). */
  outputHash: bytes(32),
  outputBytes: uint32,
  candidates: list(id64),
  claimedScores: list(uint16),
  /** Commits at heights (height, commitEnd], reveals in (commitEnd, revealEnd], settlement after. */
  commitEnd: uint64,
  revealEnd: uint64,
  /** The contributors' share of the fee, escrowed. */
  pool: uint256,
  /** The validators' share of the fee, escrowed for the attesters. */
  validatorsPool: uint256,
  /** The active set at the record's height, in the set's canonical order: the only attesters. */
  validators: list(record('attester', attesterFields)),
  settled: bool,
  quorumReached: bool,
  /** Empty until settled with a quorum. */
  consensusScores: list(uint16),
  revealedPower: uint256,
  /** What settlement paid: contributors, attesters (role validator, to the operator), treasury. */
  payouts: list(payoutRecord),
};
export const attestedRecord = record('attested inference', attestedFields);
export type AttestedRecord = RecordOf<typeof attestedFields>;

const attestationFields = {
  commitment: bytes(32),
  revealed: bool,
  /** Empty until revealed. */
  scores: list(uint16),
};
export const attestationRecord = record('attestation', attestationFields);
export type AttestationRecord = RecordOf<typeof attestationFields>;

const missesRecord = record('attestation misses', { missed: uint32 });

export function readAttested(state: StateReader, id: bigint): AttestedRecord | undefined {
  const bytes = state.get(attestedKeys.record(id));
  return bytes ? attestedRecord.decode(bytes) : undefined;
}

/** The attested record, refusing ids that are not one (unknown, or a span record). */
export function requireAttested(state: StateReader, id: bigint, fn: string): AttestedRecord {
  const r = readAttested(state, id);
  if (!r) throw new AttributionError('UNKNOWN_INFERENCE', `${fn}: inference ${id} is not an attested record`);
  return r;
}

export function writeAttested(state: StateWriter, id: bigint, r: AttestedRecord): void {
  state.set(attestedKeys.record(id), attestedRecord.encode(r));
}

export function readAttestation(
  state: StateReader,
  id: bigint,
  index: number,
): AttestationRecord | undefined {
  const bytes = state.get(attestedKeys.attestation(id, index));
  return bytes ? attestationRecord.decode(bytes) : undefined;
}

export function writeAttestation(state: StateWriter, id: bigint, index: number, a: AttestationRecord): void {
  state.set(attestedKeys.attestation(id, index), attestationRecord.encode(a));
}

export function readMisses(state: StateReader, validator: Address): number {
  const bytes = state.get(attestedKeys.misses(validator));
  return bytes ? missesRecord.decode(bytes).missed : 0;
}

export function writeMisses(state: StateWriter, validator: Address, missed: number): void {
  state.set(attestedKeys.misses(validator), missed === 0 ? null : missesRecord.encode({ missed }));
}
