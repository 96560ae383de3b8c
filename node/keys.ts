// Key files. Secret keys are written with mode 0600 (whatever the umask), refused when others can
// read them, and never logged.
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import { bytesToHex, type Hex, hexToBytes, isHex } from '../core/bytes.ts';
import { ed25519PublicKey, ed25519RandomSecretKey } from '../core/ed25519.ts';
import { OpenchainError } from '../core/errors.ts';
import { assertPrivateFile, ensurePrivateDir, writePrivateFile } from '../core/privateFile.ts';
import { validatorAddress } from '../core/validator.ts';

export interface ValidatorKey {
  readonly pubKey: Uint8Array;
  readonly secretKey: Uint8Array;
}

const hex32 = z.string().refine((s) => isHex(s) && s.length === 66, 'expected 32 bytes of 0x-prefixed hex');
const keyFileSchema = z.strictObject({ type: z.literal('ed25519'), pubKey: hex32, secretKey: hex32 });

/** A new JSON file, mode 0600, in a 0700 directory whatever the umask. */
export function writePrivateJson(path: string, value: unknown): void {
  ensurePrivateDir(dirname(path));
  writePrivateFile(path, `${JSON.stringify(value, null, 2)}\n`);
}

export function generateValidatorKey(): ValidatorKey {
  const secretKey = ed25519RandomSecretKey();
  return { secretKey, pubKey: ed25519PublicKey(secretKey) };
}

export function writeValidatorKey(path: string, key: ValidatorKey): void {
  writePrivateJson(path, {
    type: 'ed25519',
    pubKey: bytesToHex(key.pubKey),
    secretKey: bytesToHex(key.secretKey),
  });
}

/** Reads a validator key; refuses one that group or others can access (KeyPermissionsError). */
export function loadValidatorKey(path: string): ValidatorKey {
  assertPrivateFile(path, 'validator key');
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new OpenchainError('INVALID_KEY', `cannot read validator key ${path}: ${(err as Error).message}`);
  }
  const parsed = keyFileSchema.safeParse(json);
  if (!parsed.success)
    throw new OpenchainError(
      'INVALID_KEY',
      `invalid validator key ${path}: ${parsed.error.issues[0]!.message}`,
    );
  const secretKey = hexToBytes(parsed.data.secretKey);
  const pubKey = ed25519PublicKey(secretKey);
  if (bytesToHex(pubKey) !== parsed.data.pubKey.toLowerCase()) {
    throw new OpenchainError('INVALID_KEY', `validator key ${path}: pubKey does not match secretKey`);
  }
  return { secretKey, pubKey };
}

export function describeValidatorKey(key: ValidatorKey): { address: Hex; pubKey: Hex } {
  return { address: validatorAddress(key.pubKey), pubKey: bytesToHex(key.pubKey) };
}
