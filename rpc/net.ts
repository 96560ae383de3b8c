// net_ and web3_ namespaces: identity of the network and the client.
import { z } from 'zod';
import { bigintToHex, bytesToHex } from '../core/bytes.ts';
import { keccak256 } from '../core/hash.ts';
import { data } from './params.ts';
import { method, type RpcModule } from './registry.ts';

export function netModule(chainId: bigint, peerCount: () => number): RpcModule {
  return {
    namespace: 'net',
    methods: {
      net_version: method(z.tuple([]), () => chainId.toString()),
      net_listening: method(z.tuple([]), () => true),
      net_peerCount: method(z.tuple([]), () => bigintToHex(BigInt(peerCount()))),
    },
  };
}

export function web3Module(clientVersion: string): RpcModule {
  return {
    namespace: 'web3',
    methods: {
      web3_clientVersion: method(z.tuple([]), () => clientVersion),
      web3_sha3: method(z.tuple([data]), ([input]) => bytesToHex(keccak256(input))),
    },
  };
}
