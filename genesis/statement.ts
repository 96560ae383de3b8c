// Genesis validator statements ("gentx", docs/genesis.md "Validator statements"): an operator's
// signed request to be a genesis validator, so a coordinator assembles the validator set without
// holding anyone's keys. Two signatures, as `stake create-validator` binds a key: the consensus key
// signs the binding to the operator (the staking module's keyBindingMessage), and the operator's
// account signs the whole statement, chain id included, so it cannot be replayed on another chain.
import { z } from 'zod';
import {
  type Address,
  addressFromPrivateKey,
  addressFromPublicKey,
  addressToBytes,
} from '../core/address.ts';
import { bigintToFixedBytes, bytesToHex, type Hex, hexToBytes, isHex, utf8ToBytes } from '../core/bytes.ts';
import { OpenchainError } from '../core/errors.ts';
import { keccak256 } from '../core/hash.ts';
import { rlpEncode } from '../core/rlp.ts';
import { recoverPublicKey, signHash } from '../core/secp256k1.ts';
import { keyBindingValid, signKeyBinding } from '../state/modules/staking/index.ts';
import { allocSchema, validatorSchema } from './schema.ts';

const STATEMENT_DOMAIN = utf8ToBytes('openchain/genesis/gentx');

const hexBytes = (length: number, what: string) =>
  z
    .string()
    .refine(
      (s) => isHex(s) && s.length === 2 + 2 * length,
      `expected ${what}: 0x and ${2 * length} hex digits`,
    )
    .transform((s) => s.toLowerCase() as Hex);

const v = validatorSchema.shape;

export const statementSchema = z.strictObject({
  chainId: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
  moniker: v.name,
  operator: v.rewardAddress,
  consensusKey: v.pubKey,
  selfBond: allocSchema.shape.balance.refine((n) => n > 0n, 'selfBond must be positive'),
  // The genesis validator's own bound (at most 10%).
  commissionBps: v.commissionBps.unwrap(),
  keySignature: hexBytes(64, "the consensus key's ed25519 signature"),
  operatorSignature: hexBytes(65, "the operator's secp256k1 signature (r, s, y parity)"),
});

export type Statement = z.output<typeof statementSchema>;
export type UnsignedStatement = Omit<Statement, 'operatorSignature'>;

export class StatementError extends OpenchainError<'BAD_STATEMENT'> {
  constructor(source: string, reason: string) {
    super('BAD_STATEMENT', `validator statement ${source}: ${reason}`);
  }
}

/** What the operator signs: keccak256 of the canonical RLP encoding (docs/genesis.md). */
export function statementHash(s: UnsignedStatement): Uint8Array {
  return keccak256(
    rlpEncode([
      STATEMENT_DOMAIN,
      BigInt(s.chainId),
      addressToBytes(s.operator),
      hexToBytes(s.consensusKey),
      s.selfBond,
      s.commissionBps,
      utf8ToBytes(s.moniker),
      hexToBytes(s.keySignature),
    ]),
  );
}

export function signStatement(
  fields: Omit<UnsignedStatement, 'keySignature' | 'operator'>,
  consensusSecretKey: Uint8Array,
  operatorPrivateKey: Uint8Array,
): Statement {
  const operator = addressFromPrivateKey(operatorPrivateKey);
  const keySignature = bytesToHex(signKeyBinding(BigInt(fields.chainId), operator, consensusSecretKey));
  const unsigned: UnsignedStatement = { ...fields, operator, keySignature };
  const sig = signHash(statementHash(unsigned), operatorPrivateKey);
  const operatorSignature = bytesToHex(
    new Uint8Array([...bigintToFixedBytes(sig.r, 32), ...bigintToFixedBytes(sig.s, 32), sig.yParity]),
  );
  return { ...unsigned, operatorSignature };
}

function signer(s: Statement): Address | undefined {
  const sig = hexToBytes(s.operatorSignature);
  try {
    const pub = recoverPublicKey(statementHash(s), {
      r: BigInt(bytesToHex(sig.subarray(0, 32))),
      s: BigInt(bytesToHex(sig.subarray(32, 64))),
      yParity: sig[64]!,
    });
    return addressFromPublicKey(pub);
  } catch {
    return undefined;
  }
}

/** A statement from its JSON, both signatures checked, for the genesis of `chainId`. */
export function verifyStatement(json: unknown, chainId: number, source: string): Statement {
  const parsed = statementSchema.safeParse(json);
  if (!parsed.success)
    throw new StatementError(
      source,
      parsed.error.issues.map((i) => `${i.path.join('.') || 'statement'}: ${i.message}`).join('; '),
    );
  const s = parsed.data;
  if (s.chainId !== chainId)
    throw new StatementError(source, `it is for chain ${s.chainId}, but this genesis is chain ${chainId}`);
  if (!keyBindingValid(BigInt(s.chainId), s.operator, hexToBytes(s.consensusKey), hexToBytes(s.keySignature)))
    throw new StatementError(
      source,
      `keySignature is not the consensus key's signature of the binding to ${s.operator} on chain ${s.chainId}`,
    );
  const by = signer(s);
  if (by !== s.operator)
    throw new StatementError(
      source,
      `operatorSignature is not ${s.operator}'s signature of this statement${by ? ` (it recovers to ${by})` : ''}`,
    );
  return s;
}
