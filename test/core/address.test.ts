// Account addresses: EIP-55 checksums (the examples of the EIP), derivation from keys against viem,
// and parsing.
import fc from 'fast-check';
import { getAddress } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { describe, expect, it } from 'vitest';
import {
  type Address,
  addressFromPrivateKey,
  addressFromPublicKey,
  isAddress,
  parseAddress,
  toChecksumAddress,
} from '../../core/address.ts';
import { bytesToHex, hexToBytes } from '../../core/bytes.ts';
import { nobleBackend } from '../../core/secp256k1.ts';
import { anyAddress, secp256k1PrivateKey } from './helpers.ts';

// EIP-55, "Test Cases": all caps, all lower, and normal mixed case.
const EIP55 = [
  '0x52908400098527886E0F7030069857D2E4169EE7',
  '0x8617E340B3D01FA5F11F306F4090FD50E238070D',
  '0xde709f2102306220921060314715629080e2fb77',
  '0x27b1fdb04752bbc536007a920d24acb045561c26',
  '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed',
  '0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359',
  '0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB',
  '0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb',
];

describe('EIP-55 checksums', () => {
  it.each(EIP55)('%s', (expected) => {
    const lower = expected.toLowerCase() as Address;
    expect(toChecksumAddress(lower)).toBe(expected);
    expect(toChecksumAddress(expected.toUpperCase().replace('0X', '0x') as Address)).toBe(expected);
  });

  it('equals viem getAddress on random addresses', () => {
    fc.assert(
      fc.property(anyAddress, (address) => {
        expect(toChecksumAddress(address)).toBe(getAddress(address));
      }),
      { numRuns: 300 },
    );
  });
});

describe('addresses from keys', () => {
  it('known keys: EIP-155 example key and the first Hardhat/Anvil dev key', () => {
    expect(addressFromPrivateKey(hexToBytes(`0x${'46'.repeat(32)}`))).toBe(
      '0x9d8a62f656a8d1615c1294fd71e9cfb3e4855a4f',
    );
    const dev = hexToBytes('0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80');
    expect(toChecksumAddress(addressFromPrivateKey(dev))).toBe('0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266');
  });

  it('equals viem privateKeyToAccount on random keys', () => {
    fc.assert(
      fc.property(secp256k1PrivateKey, (key) => {
        expect(addressFromPrivateKey(key)).toBe(privateKeyToAccount(bytesToHex(key)).address.toLowerCase());
      }),
      { numRuns: 100 },
    );
  });

  it('addressFromPublicKey takes only 65-byte uncompressed keys', () => {
    const uncompressed = nobleBackend.publicKey(new Uint8Array(32).fill(1));
    expect(isAddress(addressFromPublicKey(uncompressed))).toBe(true);
    expect(() => addressFromPublicKey(uncompressed.subarray(1))).toThrow(/65-byte uncompressed/);
    const compressedStyle = new Uint8Array(65);
    compressedStyle[0] = 2;
    expect(() => addressFromPublicKey(compressedStyle)).toThrow(/65-byte uncompressed/);
  });
});

describe('parsing', () => {
  it('accepts any case and returns lower case', () => {
    expect(parseAddress('0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed')).toBe(
      '0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed',
    );
  });

  it.each([
    ['19 bytes', `0x${'ab'.repeat(19)}`],
    ['21 bytes', `0x${'ab'.repeat(21)}`],
    ['no 0x prefix', 'ab'.repeat(20)],
    ['a non-hex digit', `0x${'ab'.repeat(19)}ag`],
    ['surrounding whitespace', ` 0x${'ab'.repeat(20)}`],
  ])('rejects %s', (_name, value) => {
    expect(isAddress(value)).toBe(false);
    expect(() => parseAddress(value)).toThrow(RangeError);
  });
});
