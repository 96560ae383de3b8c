// The node's libp2p identity: an ed25519 key kept in the node home, so the peer id (and with it the
// bootstrap addresses other nodes have in their config) survives restarts. It is not the validator
// key: losing it only changes the peer id, never who signs blocks.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { generateKeyPair, privateKeyFromProtobuf, privateKeyToProtobuf } from '@libp2p/crypto/keys';
import type { PrivateKey } from '@libp2p/interface';
import { peerIdFromPrivateKey } from '@libp2p/peer-id';
import { bytesToHex, hexToBytes } from '../core/bytes.ts';
import { assertPrivateFile, ensurePrivateDir, writePrivateFile } from '../core/privateFile.ts';
import { P2pError } from './errors.ts';

export interface NodeKey {
  readonly privateKey: PrivateKey;
  readonly peerId: string;
}

interface NodeKeyFile {
  readonly type: 'libp2p-ed25519';
  /** libp2p's protobuf encoding of the private key, as hex. */
  readonly privateKey: string;
  /** Derived from the key; stored so operators can read it and so a mismatch is caught. */
  readonly peerId: string;
}

export function nodeKeyPath(home: string): string {
  return join(home, 'keys', 'node_key.json');
}

/** Reads the node key; refuses one that group or others can access (KeyPermissionsError). */
export function loadNodeKey(path: string): NodeKey {
  assertPrivateFile(path, 'node key');
  let file: Partial<NodeKeyFile>;
  let privateKey: PrivateKey;
  try {
    file = JSON.parse(readFileSync(path, 'utf8')) as Partial<NodeKeyFile>;
    if (file.type !== 'libp2p-ed25519' || typeof file.privateKey !== 'string')
      throw new Error('unexpected format');
    privateKey = privateKeyFromProtobuf(hexToBytes(file.privateKey));
  } catch (err) {
    throw new P2pError('INVALID_NODE_KEY', `cannot read node key ${path}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  const peerId = peerIdFromPrivateKey(privateKey).toString();
  if (privateKey.type !== 'Ed25519' || file.peerId !== peerId) {
    throw new P2pError('INVALID_NODE_KEY', `node key ${path}: peerId does not match the key`);
  }
  return { privateKey, peerId };
}

/** Loads the node key, creating it (mode 0600, in a 0700 directory) on first start. */
export async function loadOrCreateNodeKey(path: string): Promise<NodeKey & { readonly created: boolean }> {
  if (existsSync(path)) return { ...loadNodeKey(path), created: false };
  const privateKey = await generateKeyPair('Ed25519');
  const peerId = peerIdFromPrivateKey(privateKey).toString();
  const file: NodeKeyFile = {
    type: 'libp2p-ed25519',
    privateKey: bytesToHex(privateKeyToProtobuf(privateKey)),
    peerId,
  };
  ensurePrivateDir(dirname(path));
  // 'wx' refuses to overwrite: two processes racing on first start must not end with two identities.
  writePrivateFile(path, `${JSON.stringify(file, null, 2)}\n`);
  return { privateKey, peerId, created: true };
}
