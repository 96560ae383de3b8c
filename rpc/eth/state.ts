// Account state at a block: balances, nonces, code. The head is read from the flat state; earlier
// heights through the state tree at that block's root, so every committed height stays queryable.
import { z } from 'zod';
import type { Address } from '../../core/address.ts';
import { bigintToHex, hexToBytes } from '../../core/bytes.ts';
import { type Account, decodeAccount, EMPTY_ACCOUNT, readAccount } from '../../state/accounts.ts';
import type { Chain } from '../../state/chain.ts';
import { stateKeys } from '../../state/stateKeys.ts';
import { address, blockRef } from '../params.ts';
import { method } from '../registry.ts';
import { requireHeight } from './blocks.ts';

/** Raw state value of `key` after the block at `height`. */
export async function stateValueAt(
  chain: Chain,
  height: number,
  key: Uint8Array,
): Promise<Uint8Array | undefined> {
  const entry = chain.blocks.getHeader(height)!;
  if (height === chain.head.header.height) return chain.state.get(key);
  return chain.state.getAt(hexToBytes(entry.header.stateRoot), key);
}

export async function accountAt(chain: Chain, who: Address, height: number): Promise<Account> {
  if (height === chain.head.header.height) return readAccount(chain.state, who);
  const bytes = await stateValueAt(chain, height, stateKeys.account(who));
  return bytes ? decodeAccount(bytes) : EMPTY_ACCOUNT;
}

/**
 * Modules have no EVM bytecode. They report one INVALID opcode (0xfe) so that wallets and tools
 * treat their addresses as contracts; every other address has no code.
 */
const MODULE_CODE = '0xfe';

/**
 * A storage slot the way geth reads it: hex of at most 32 bytes, left-padded, so that "0x0" (what
 * ethers' getStorage sends for slot 0) is as valid as the 32-byte form.
 */
const storageSlot = z.unknown().transform((value, ctx): string => {
  if (typeof value === 'string') {
    const digits = /^0[xX]/.test(value) ? value.slice(2) : value;
    if (digits.length <= 64 && /^[0-9a-fA-F]*$/.test(digits)) return value;
  }
  const shown =
    typeof value === 'string'
      ? JSON.stringify(value.slice(0, 70))
      : `a ${value === null ? 'null' : typeof value}`;
  ctx.addIssue({
    code: 'custom',
    message: `expected a storage slot (hex, at most 32 bytes), got ${shown}`,
    input: value,
  });
  return z.NEVER;
});

export function stateMethods(chain: Chain) {
  return {
    eth_getBalance: method(z.tuple([address, blockRef.optional()]), async ([who, ref]) => {
      const height = requireHeight(chain, ref ?? { kind: 'tag', tag: 'latest' });
      return bigintToHex((await accountAt(chain, who, height)).balance);
    }),
    eth_getTransactionCount: method(z.tuple([address, blockRef.optional()]), async ([who, ref]) => {
      if (ref?.kind === 'tag' && ref.tag === 'pending')
        return bigintToHex(await chain.mempool.pendingNonce(who));
      const height = requireHeight(chain, ref ?? { kind: 'tag', tag: 'latest' });
      return bigintToHex((await accountAt(chain, who, height)).nonce);
    }),
    eth_getCode: method(z.tuple([address, blockRef.optional()]), ([who, ref]) => {
      requireHeight(chain, ref ?? { kind: 'tag', tag: 'latest' });
      return chain.modules.get(who) ? MODULE_CODE : '0x';
    }),
    // There is no contract storage: every slot of every account reads as zero.
    eth_getStorageAt: method(z.tuple([address, storageSlot, blockRef.optional()]), ([, , ref]) => {
      requireHeight(chain, ref ?? { kind: 'tag', tag: 'latest' });
      return `0x${'00'.repeat(32)}`;
    }),
  };
}
