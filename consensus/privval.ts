// The validator's signer with double-sign protection (CometBFT privval/file.go's CheckHRS is the
// model). Before a signature leaves this object, the height/round/step it signs for is persisted with
// fsync (off the event loop: sign resolves once the write is durable, and requests are answered one
// at a time, in order, so each is checked against the state the previous one left); a request for an earlier step is refused, and a second request for the same step is answered
// with the stored signature only if the sign bytes are identical. A restart therefore can never sign
// two different things for one step.
//
// The state file is a log: one JSON record per line, the last one the state. A signature appends a
// line and fdatasyncs it (one call on the thread pool); replacing the whole file (temporary file,
// fsync, rename, directory fsync: three pool calls and a journal commit for the rename) costs each
// validator several times the CPU, two or three times a height. The file is replaced instead when
// it is not known to end in a whole line (the first write after opening: an older single-record
// file, or a tail torn by a crash) and once it is above COMPACT_ABOVE_BYTES, which keeps it small.
import { closeSync, fdatasync, openSync, readFileSync } from 'node:fs';
import type { Address } from '../core/address.ts';
import { bytesToHex, type Hex, hexToBytes } from '../core/bytes.ts';
import { ed25519Sign } from '../core/ed25519.ts';
import { OpenchainError } from '../core/errors.ts';
import { sha256 } from '../core/hash.ts';
import { validatorAddress } from '../core/validator.ts';
import { replaceFileDurably, writeAll } from './durableFile.ts';

/** Steps in signing order within a round. */
export const SignStep = { propose: 1, prevote: 2, precommit: 3 } as const;
export type SignStep = (typeof SignStep)[keyof typeof SignStep];

interface LastSigned {
  height: number;
  round: number;
  step: SignStep;
  signBytesHash: Hex;
  signature: Hex;
}

export class DoubleSignError extends OpenchainError<'DOUBLE_SIGN_REFUSED'> {
  constructor(message: string) {
    super('DOUBLE_SIGN_REFUSED', message);
  }
}

/** Above this size the next signature replaces the log with its own record (about 400 records). */
export const COMPACT_ABOVE_BYTES = 64 * 1024;

function compareHrs(a: { height: number; round: number; step: number }, b: typeof a): number {
  return a.height - b.height || a.round - b.round || a.step - b.step;
}

export class PrivValidator {
  readonly pubKey: Uint8Array;
  readonly address: Address;
  readonly #secretKey: Uint8Array;
  readonly #statePath: string;
  #last: LastSigned | undefined;
  /** Bytes in the log, or undefined until a replace has left it ending in a whole record. */
  #logBytes: number | undefined;
  /** The request being answered; the next waits for it. */
  #busy: Promise<unknown> = Promise.resolve();

  constructor(secretKey: Uint8Array, pubKey: Uint8Array, statePath: string) {
    this.#secretKey = secretKey;
    this.pubKey = pubKey;
    this.address = validatorAddress(pubKey);
    this.#statePath = statePath;
    this.#last = PrivValidator.#read(statePath);
  }

  static #read(path: string): LastSigned | undefined {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
    // A corrupt state file must stop the validator: guessing could mean signing twice.
    try {
      const lines = text.split('\n');
      // What follows the last newline: nothing, a record whose newline was not written, an older
      // single-record file, or a torn append.
      const tail = lines.pop()!;
      let last: LastSigned | undefined;
      for (const line of lines) last = parseRecord(line);
      try {
        return parseRecord(tail);
      } catch (err) {
        // Nothing after the last record, or a torn append (its fdatasync never returned, so its
        // signature never left). Only after a whole record: a file without one was written by a
        // replace, which neither tears nor leaves an empty file.
        if (last && err instanceof SyntaxError) return last;
        throw err;
      }
    } catch (err) {
      throw new OpenchainError(
        'PRIVVAL_STATE_CORRUPT',
        `validator sign state ${path} is unreadable (${(err as Error).message}); refusing to sign. Restore it or, if you are certain this key never signed at a later height, delete it.`,
      );
    }
  }

  get lastSigned(): Readonly<LastSigned> | undefined {
    return this.#last;
  }

  /** Signs `signBytes` for (height, round, step), or rejects with DoubleSignError. */
  sign(height: number, round: number, step: SignStep, signBytes: Uint8Array): Promise<Uint8Array> {
    const answer = this.#busy.then(() => this.#signNext(height, round, step, signBytes));
    this.#busy = answer.catch(() => {});
    return answer;
  }

  async #signNext(height: number, round: number, step: SignStep, signBytes: Uint8Array): Promise<Uint8Array> {
    const hrs = { height, round, step };
    const digest = bytesToHex(sha256(signBytes));
    const last = this.#last;
    if (last) {
      const order = compareHrs(hrs, last);
      if (order < 0) {
        throw new DoubleSignError(
          `refusing to sign for height ${height} round ${round} step ${step}: already signed height ${last.height} round ${last.round} step ${last.step}`,
        );
      }
      if (order === 0) {
        if (last.signBytesHash === digest) return hexToBytes(last.signature);
        throw new DoubleSignError(
          `refusing to sign different data for height ${height} round ${round} step ${step}`,
        );
      }
    }
    const signature = ed25519Sign(signBytes, this.#secretKey);
    const next = { height, round, step, signBytesHash: digest, signature: bytesToHex(signature) };
    await this.#persist(new TextEncoder().encode(`${JSON.stringify(next)}\n`));
    this.#last = next;
    return signature;
  }

  /** Appends the record (or replaces the log with it), resolving once it is durable. */
  async #persist(record: Uint8Array): Promise<void> {
    const logBytes = this.#logBytes;
    // Until the write below is known to be whole, the next one replaces the file.
    this.#logBytes = undefined;
    if (logBytes === undefined || logBytes > COMPACT_ABOVE_BYTES) {
      await replaceFileDurably(this.#statePath, record);
      this.#logBytes = record.length;
      return;
    }
    // Opened per record, not held: the signer has no close, and a descriptor it cannot get is a
    // transient failure (nothing signed, tried again) like any other.
    const file = openSync(this.#statePath, 'a', 0o600);
    try {
      writeAll(file, record);
      await new Promise<void>((resolve, reject) => fdatasync(file, (err) => (err ? reject(err) : resolve())));
    } finally {
      closeSync(file);
    }
    this.#logBytes = logBytes + record.length;
  }
}

function parseRecord(line: string): LastSigned {
  const s = JSON.parse(line) as LastSigned;
  if (!Number.isSafeInteger(s.height) || !Number.isSafeInteger(s.round) || ![1, 2, 3].includes(s.step))
    throw new Error('bad fields');
  return s;
}
