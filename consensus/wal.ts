// The consensus write-ahead log: every input the engine acts on (peer proposals and votes, its own
// proposals and votes, timeouts) is appended before it is processed, and an end-height marker after
// each commit. After a crash the engine replays the records of the height it was in and ends up in
// the round state it had, with its own signed messages taken from the log rather than re-signed.
//
// One frame per record: u32 payload length | u32 CRC-32 (IEEE) of the payload | payload, big-endian,
// the payload being a protobuf WalRecord (walCodec.ts). Peer inputs are written without fsync (a
// process crash keeps them in the page cache; losing them to a power cut only costs liveness); own
// messages are fsynced before they are sent, so nothing we sent can be missing from the log.
// A torn or corrupt tail (a crash mid-write) fails the length or CRC check: it is logged and cut off.
// A write that fails while the process lives (disk full, descriptors exhausted) is cut off at once,
// so that a later append never follows a torn record (replay stops at the first bad one); its error
// is WAL_WRITE_TRANSIENT when it may clear on its own and nothing is left half-written.
//
// An end-height marker is appended after each commit, without fsync: replay takes the records of the
// height after the application's head and skips the rest, so it needs neither the marker nor the
// earlier heights. Once the log is above `rotateAboveBytes` (1 MiB: hundreds of empty heights) the
// marker instead replaces the file, atomically, by one holding only that marker. Rotating at every
// height cost two fsyncs, a rename and eight thread-pool hops per block for nothing replay uses.
import {
  closeSync,
  fstatSync,
  fsyncSync,
  ftruncateSync,
  openSync,
  readFileSync,
  truncateSync,
} from 'node:fs';
import { crc32 } from 'node:zlib';
import type { Logger } from 'pino';
import { isTransientIoError, replaceFileDurably, syncDescriptor, writeAll } from './durableFile.ts';
import { ConsensusError } from './errors.ts';
import { decodeWalEntry, encodeWalEntry, type WalEntry } from './walCodec.ts';

const HEADER_BYTES = 8;
/** Far above any proposal (blocks are bounded by the chain's byte limit); larger means corruption. */
export const DEFAULT_MAX_RECORD_BYTES = 64 * 1024 * 1024;
/** The log's size above which the next end-height marker starts a new file; bounds replay's read. */
export const DEFAULT_ROTATE_ABOVE_BYTES = 1024 * 1024;

function frame(payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(HEADER_BYTES + payload.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, payload.length);
  view.setUint32(4, crc32(payload));
  out.set(payload, HEADER_BYTES);
  return out;
}

interface ReadResult {
  readonly entries: WalEntry[];
  /** Bytes of intact records from the start of the file. */
  readonly intact: number;
  readonly size: number;
  readonly problem?: string;
}

export function readWal(path: string, maxRecordBytes = DEFAULT_MAX_RECORD_BYTES): ReadResult {
  let buf: Buffer;
  try {
    buf = readFileSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { entries: [], intact: 0, size: 0 };
    throw err;
  }
  const entries: WalEntry[] = [];
  let offset = 0;
  const stop = (problem: string): ReadResult => ({ entries, intact: offset, size: buf.length, problem });
  while (offset < buf.length) {
    if (buf.length - offset < HEADER_BYTES) return stop('truncated record header');
    const length = buf.readUInt32BE(offset);
    const checksum = buf.readUInt32BE(offset + 4);
    if (length > maxRecordBytes) return stop(`record length ${length} above the limit of ${maxRecordBytes}`);
    if (offset + HEADER_BYTES + length > buf.length) return stop('truncated record');
    const payload = buf.subarray(offset + HEADER_BYTES, offset + HEADER_BYTES + length);
    if (crc32(payload) !== checksum) return stop('checksum mismatch');
    try {
      entries.push(decodeWalEntry(payload));
    } catch (err) {
      return stop(`undecodable record: ${(err as Error).message}`);
    }
    offset += HEADER_BYTES + length;
  }
  return { entries, intact: offset, size: buf.length };
}

/** Transient when the cause may clear on its own (the log itself was left intact). */
function failureCode(err: unknown): 'WAL_WRITE_TRANSIENT' | 'WAL_WRITE_FAILED' {
  return isTransientIoError(err) ? 'WAL_WRITE_TRANSIENT' : 'WAL_WRITE_FAILED';
}

function walError(code: 'WAL_WRITE_TRANSIENT' | 'WAL_WRITE_FAILED', what: string, cause: unknown) {
  return new ConsensusError(code, `${what}: ${(cause as Error).message}`, { cause });
}

export class Wal {
  readonly path: string;
  readonly #log: Logger;
  readonly #maxRecordBytes: number;
  readonly #rotateAboveBytes: number;
  #fd: number | undefined;
  /** Bytes of intact records in the file: where a failed append is cut back to. */
  #size = 0;
  #recovered: WalEntry[];

  /** Opens (creating if needed) the log at `path`, reading its records and cutting a damaged tail. */
  static open(
    path: string,
    log: Logger,
    maxRecordBytes = DEFAULT_MAX_RECORD_BYTES,
    rotateAboveBytes = DEFAULT_ROTATE_ABOVE_BYTES,
  ): Wal {
    return new Wal(path, log, maxRecordBytes, rotateAboveBytes);
  }

  protected constructor(
    path: string,
    log: Logger,
    maxRecordBytes: number,
    rotateAboveBytes = DEFAULT_ROTATE_ABOVE_BYTES,
  ) {
    this.path = path;
    this.#log = log;
    this.#maxRecordBytes = maxRecordBytes;
    this.#rotateAboveBytes = rotateAboveBytes;
    const read = readWal(path, maxRecordBytes);
    if (read.problem) {
      log.warn(
        { path, offset: read.intact, droppedBytes: read.size - read.intact, problem: read.problem },
        'consensus WAL has a damaged tail (crash during a write?); truncating it',
      );
      truncateSync(path, read.intact);
    }
    this.#recovered = read.entries;
    this.#fd = openSync(path, 'a', 0o600);
    fsyncSync(this.#fd);
    this.#size = fstatSync(this.#fd).size;
  }

  /** The records found when the log was opened, in order (handed out once). */
  takeRecovered(): WalEntry[] {
    const entries = this.#recovered;
    this.#recovered = [];
    return entries;
  }

  /** Appends a record without fsync (a peer input: see the top of this file). */
  write(entry: WalEntry): void {
    this.#append(entry);
  }

  /**
   * Appends a record and resolves once it, and everything before it, is on disk (an own message,
   * before it is sent). The flush runs off the event loop; the engine processes one input at a
   * time, so nothing else is appended while it waits.
   */
  async writeDurably(entry: WalEntry): Promise<void> {
    const { fd, before } = this.#append(entry);
    try {
      await syncDescriptor(fd);
    } catch (err) {
      this.#cutFailed(fd, before, err);
    }
  }

  #append(entry: WalEntry): { fd: number; before: number } {
    const payload = encodeWalEntry(entry);
    if (payload.length > this.#maxRecordBytes) {
      throw new ConsensusError(
        'WAL_RECORD_TOO_LARGE',
        `WAL record of ${payload.length} bytes above ${this.#maxRecordBytes}`,
      );
    }
    const fd = this.#openFd();
    const bytes = frame(payload);
    const before = this.#size;
    try {
      writeAll(fd, bytes);
    } catch (err) {
      this.#cutFailed(fd, before, err);
    }
    this.#size += bytes.length;
    return { fd, before };
  }

  /** A failed append is cut off at once, so no later record follows a torn one. */
  #cutFailed(fd: number, size: number, err: unknown): never {
    try {
      ftruncateSync(fd, size);
    } catch (cutErr) {
      throw walError('WAL_WRITE_FAILED', `cannot cut a failed append off ${this.path}`, cutErr);
    }
    this.#size = size;
    throw walError(failureCode(err), `cannot write the consensus WAL ${this.path}`, err);
  }

  /**
   * Marks `height` committed: appends the marker (no fsync: see the top of this file) or, once the
   * log is above its bound, starts a fresh log holding only that marker. A closed log is reopened
   * (the engine may end a height while it stops, then still write).
   */
  async endHeight(height: number): Promise<void> {
    const entry: WalEntry = { kind: 'endHeight', height };
    if (this.#fd !== undefined && this.#size < this.#rotateAboveBytes) {
      this.#append(entry);
      return;
    }
    const marker = frame(encodeWalEntry(entry));
    let failure: unknown;
    try {
      await replaceFileDurably(this.path, marker);
    } catch (err) {
      failure = err;
    }
    // Reopened either way: a failure after the rename leaves `path` a new file, and appends to the
    // old descriptor would go to an unlinked one.
    try {
      if (this.#fd !== undefined) closeSync(this.#fd);
      this.#fd = undefined;
      this.#fd = openSync(this.path, 'a', 0o600);
      this.#size = fstatSync(this.#fd).size;
    } catch (err) {
      throw walError('WAL_WRITE_FAILED', `cannot reopen the consensus WAL ${this.path}`, err);
    }
    if (failure !== undefined)
      throw walError(failureCode(failure), `cannot rotate the consensus WAL ${this.path}`, failure);
    this.#log.debug({ height }, 'consensus WAL rotated');
  }

  close(): void {
    if (this.#fd === undefined) return;
    closeSync(this.#fd);
    this.#fd = undefined;
  }

  #openFd(): number {
    if (this.#fd === undefined)
      throw new ConsensusError('ENGINE_STATE', `consensus WAL ${this.path} is closed`);
    return this.#fd;
  }
}
