// Argument checks shared by the transaction handlers.
import { utf8ToBytes } from '../../../core/bytes.ts';
import type { CallContext } from '../module.ts';
import { AttributionError } from './errors.ts';

/** Size limits of the free-text fields, in UTF-8 bytes, and of a model's Datanet list. */
export const LIMITS = { name: 128, uri: 512, license: 128, datanetsPerModel: 64 } as const;

export function requireText(value: string, field: string, maxBytes: number): string {
  const bytes = utf8ToBytes(value).length;
  if (bytes > maxBytes)
    throw new AttributionError('INVALID_ARGUMENT', `${field} is ${bytes} bytes, limit ${maxBytes}`);
  return value;
}

/** Non-payable functions: value sent with them would be stuck in the module account. */
export function requireNoValue(ctx: CallContext, fn: string): void {
  if (ctx.value !== 0n) {
    throw new AttributionError('UNEXPECTED_VALUE', `${fn} is not payable, but ${ctx.value} was sent`);
  }
}
