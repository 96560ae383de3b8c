// Funded development accounts: the well-known "test test … junk" mnemonic that Hardhat, Anvil and
// Foundry also use, derived at m/44'/60'/0'/0/i, so their keys are familiar and never secret.
import { HDKey } from '@scure/bip32';
import { mnemonicToSeedSync } from '@scure/bip39';
import { type Address, addressFromPrivateKey } from '../core/address.ts';
import { bytesToHex, type Hex } from '../core/bytes.ts';

export const DEV_MNEMONIC = 'test test test test test test test test test test test junk';

export interface DevAccount {
  readonly address: Address;
  readonly privateKey: Hex;
}

export function devAccounts(count: number, mnemonic = DEV_MNEMONIC): DevAccount[] {
  const root = HDKey.fromMasterSeed(mnemonicToSeedSync(mnemonic));
  return Array.from({ length: count }, (_, i) => {
    const key = root.derive(`m/44'/60'/0'/0/${i}`).privateKey!;
    return { address: addressFromPrivateKey(key), privateKey: bytesToHex(key) };
  });
}
