// The account that signs and pays for the attestor's commit and reveal transactions
// (`attestation.account`): a secp256k1 key given inline, or in a file of its own holding the hex
// key, refused like the validator key if group or others can read it.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { OpenchainError } from '../../core/errors.ts';
import { assertPrivateFile } from '../../core/privateFile.ts';
import { type Signer, signerFrom } from '../moduleClient.ts';
import type { AttestationConfig } from './config.ts';

/** The attestor's signer; a relative key file is read from the node home. Throws INVALID_KEY or KEY_PERMISSIONS. */
export function attestorSigner(account: NonNullable<AttestationConfig['account']>, home: string): Signer {
  let hex: string;
  let where = 'attestation.account.privateKey';
  if ('privateKey' in account) hex = account.privateKey;
  else {
    const path = resolve(home, account.privateKeyFile);
    where = `attestation.account.privateKeyFile ${path}`;
    assertPrivateFile(path, 'attestor key');
    try {
      hex = readFileSync(path, 'utf8').trim();
    } catch (err) {
      throw new OpenchainError('INVALID_KEY', `cannot read ${where}: ${(err as Error).message}`);
    }
  }
  try {
    return signerFrom(hex);
  } catch (err) {
    throw new OpenchainError('INVALID_KEY', `${where}: ${(err as Error).message}`);
  }
}
