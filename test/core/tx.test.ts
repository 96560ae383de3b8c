import { parseGwei, serializeTransaction, type TransactionSerializable } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { describe, expect, it } from 'vitest';
import { addressFromPrivateKey } from '../../core/address.ts';
import { bytesToHex, hexToBytes } from '../../core/bytes.ts';
import { rlpEncode } from '../../core/rlp.ts';
import { decodeTx, recoverSender, signTx, TxDecodeError, type UnsignedTx } from '../../core/tx.ts';

const KEY = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80' as const;
const account = privateKeyToAccount(KEY);
const TO = '0x70997970c51812dc3a010c7d01b50e20d17dc79c' as const;

describe('transactions match viem byte for byte', () => {
  it('decodes and recovers an EIP-1559 transfer signed by viem', async () => {
    const raw = await account.signTransaction({
      type: 'eip1559',
      chainId: 1337,
      nonce: 7,
      to: TO,
      value: 10n ** 18n,
      gas: 21000n,
      maxFeePerGas: parseGwei('2'),
      maxPriorityFeePerGas: parseGwei('1'),
    });
    const tx = decodeTx(hexToBytes(raw));
    expect(tx.type).toBe(2);
    expect(tx.chainId).toBe(1337n);
    expect(tx.nonce).toBe(7n);
    expect(tx.to).toBe(TO);
    expect(recoverSender(tx)).toBe(account.address.toLowerCase());
  });

  it('decodes an EIP-155 legacy transaction and re-signs it identically', async () => {
    const fields: TransactionSerializable = {
      type: 'legacy',
      chainId: 1337,
      nonce: 0,
      to: TO,
      value: 5n,
      gas: 21000n,
      gasPrice: parseGwei('1'),
    };
    const raw = await account.signTransaction(fields);
    const tx = decodeTx(hexToBytes(raw));
    expect(tx.type).toBe(0);
    expect(tx.chainId).toBe(1337n);
    const ours = signTx(tx as UnsignedTx, hexToBytes(KEY));
    expect(bytesToHex(ours.raw)).toBe(raw);
    expect(ours.hash).toBe(tx.hash);
    expect(recoverSender(tx)).toBe(addressFromPrivateKey(hexToBytes(KEY)));
  });

  it('rejects pre-EIP-155 legacy transactions', async () => {
    const unsigned = serializeTransaction({
      type: 'legacy',
      nonce: 0,
      to: TO,
      value: 1n,
      gas: 21000n,
      gasPrice: 1n,
    });
    const signed = await account.signTransaction({
      type: 'legacy',
      nonce: 0,
      to: TO,
      value: 1n,
      gas: 21000n,
      gasPrice: 1n,
    });
    expect(unsigned).not.toBe(signed);
    expect(() => decodeTx(hexToBytes(signed))).toThrow(/pre-EIP-155/);
  });

  it('rejects unsupported types, trailing bytes and non-canonical integers', async () => {
    expect(() => decodeTx(Uint8Array.of(1, 0xc0))).toThrow(/unsupported transaction type 0x01/);
    const raw = hexToBytes(
      await account.signTransaction({
        chainId: 1,
        to: TO,
        value: 1n,
        gas: 21000n,
        maxFeePerGas: 2n,
        maxPriorityFeePerGas: 1n,
        nonce: 0,
      }),
    );
    const trailing = new Uint8Array([...raw, 0]);
    expect(() => decodeTx(trailing)).toThrow(TxDecodeError);
    const padded = rlpEncode([
      Uint8Array.of(0, 1),
      1n,
      21000n,
      hexToBytes(TO),
      1n,
      new Uint8Array(),
      37n,
      1n,
      1n,
    ]);
    expect(() => decodeTx(padded)).toThrow(/leading zero/);
  });
});
