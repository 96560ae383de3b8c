// The validator's signer with double-sign protection (CometBFT privval/file.go's CheckHRS is the
// model). Before a signature leaves this object, the height/round/step it signs for is persisted with
// fsync (off the event loop: sign resolves once the write is durable, and requests are answered one
// at a time, in order, so each is checked against the state the previous one left); a request for an earlier step is refused, and a second request for the same step is answered
// with the stored signature only if the sign bytes are identical. A restart therefore can never sign
// two different things for one step.
import { readFileSync } from 'node:fs';
import type { Address } from '../core/address.ts';
import { bytesToHex, type Hex, hexToBytes } from '../core/bytes.ts';
import { ed25519Sign } from '../core/ed25519.ts';
import { OpenchainError } from '../core/errors.ts';
import { sha256 } from '../core/hash.ts';
import { validatorAddress } from '../core/validator.ts';
import { replaceFileDurably } from './durableFile.ts';

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

function compareHrs(a: { height: number; round: number; step: number }, b: typeof a): number {
  return a.height - b.height || a.round - b.round || a.step - b.step;
}

export class PrivValidator {
  readonly pubKey: Uint8Array;
  readonly address: Address;
  readonly #secretKey: Uint8Array;
  readonly #statePath: string;
  #last: LastSigned | undefined;
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
      const s = JSON.parse(text) as LastSigned;
      if (!Number.isSafeInteger(s.height) || !Number.isSafeInteger(s.round) || ![1, 2, 3].includes(s.step))
        throw new Error('bad fields');
      return s;
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
    await replaceFileDurably(this.#statePath, new TextEncoder().encode(JSON.stringify(next)));
    this.#last = next;
    return signature;
  }
}
