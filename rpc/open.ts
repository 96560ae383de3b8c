// The open_ namespace: what Ethereum has no words for. Node and chain identity, the genesis,
// validators and commit certificates, and state proofs checkable with state/tree's verifyProof.
import { z } from 'zod';
import { bigintToHex, bytesToHex, hexToBytes } from '../core/bytes.ts';
import { evidenceHash } from '../core/evidence.ts';
import { sha256 } from '../core/hash.ts';
import { PREVOTE } from '../core/vote.ts';
import type { Chain } from '../state/chain.ts';
import { stateKeys } from '../state/stateKeys.ts';
import { proofToJson } from '../state/tree/index.ts';
import { attributionMethods } from './attribution.ts';
import { requireHeight } from './eth/blocks.ts';
import { govMethods } from './gov.ts';
import type { JsonValue } from './jsonrpc.ts';
import { blockEventJson, moduleEventMethods } from './moduleEvents.ts';
import { address, blockNumberOrTag, blockRef, data } from './params.ts';
import { recordToJson } from './records.ts';
import { method, type RpcModule } from './registry.ts';
import { findValidator, stakingMethods, validatorStatusName } from './staking.ts';
import { blockLogCount, SubscriptionHub } from './subscriptions.ts';
import { vestingMethods } from './vesting.ts';

export interface NodeInfoSource {
  /** Static identity and status of this node (moniker, version, validator address, peers...). */
  nodeInfo(): JsonValue;
  /** The genesis document as loaded (JSON). */
  genesis(): JsonValue;
  /** Connected peers: id, addresses, direction, gossip score. */
  peers(): JsonValue;
  /** Block-sync progress. */
  syncing(): { syncing: boolean; startingBlock: number; currentBlock: number; highestBlock: number };
}

function commitJson(commit: {
  height: number;
  round: number;
  blockHash: string;
  signatures: readonly { validator: string; signature: Uint8Array }[];
}) {
  return {
    height: bigintToHex(BigInt(commit.height)),
    round: bigintToHex(BigInt(commit.round)),
    blockHash: commit.blockHash,
    signatures: commit.signatures.map((s) => ({
      validator: s.validator,
      signature: bytesToHex(s.signature),
    })),
  };
}

const proofTarget = z.union([z.object({ address }).strict(), z.object({ key: data }).strict()]);

export function openModule(
  chain: Chain,
  source: NodeInfoSource,
  /** Shared with eth_subscribe, so the caps hold over both namespaces. */
  subscriptions: SubscriptionHub = new SubscriptionHub(chain),
): RpcModule {
  return {
    namespace: 'open',
    methods: {
      open_nodeInfo: method(z.tuple([]), () => source.nodeInfo()),
      ...attributionMethods(chain),
      ...stakingMethods(chain),
      ...vestingMethods(chain),
      ...govMethods(chain),
      ...moduleEventMethods(subscriptions),
      open_peers: method(z.tuple([]), () => source.peers()),
      open_syncStatus: method(z.tuple([]), () => ({ ...source.syncing() })),
      open_genesis: method(z.tuple([]), () => ({ hash: chain.genesisHash, document: source.genesis() })),
      /** The chain parameters of the latest state (the genesis sets them, governance moves them). */
      open_chainParams: method(z.tuple([]), () => recordToJson(chain.params(), {})),

      open_validators: method(z.tuple([blockNumberOrTag.optional()]), async ([ref]) => {
        const height = requireHeight(chain, ref ?? { kind: 'tag', tag: 'latest' });
        const validators = height === 0 ? await chain.validatorsAt(1) : await chain.validatorsAt(height);
        return {
          height: bigintToHex(BigInt(height)),
          validators: validators.map((v) => {
            // The operator is the reward address; its stake and status are the latest block's.
            const staked = findValidator(chain.state, v.rewardAddress);
            return {
              address: v.address,
              pubKey: bytesToHex(v.pubKey),
              power: bigintToHex(v.power),
              rewardAddress: v.rewardAddress,
              operator: v.rewardAddress,
              stake: staked ? bigintToHex(staked.tokens) : null,
              status: staked ? validatorStatusName(staked.status) : null,
            };
          }),
        };
      }),

      /** Duplicate-vote evidence included in a block. */
      open_getEvidence: method(z.tuple([blockNumberOrTag]), async ([ref]) => {
        const block = await chain.blocks.getBlock(requireHeight(chain, ref));
        return (block?.evidence ?? []).map((ev) => ({
          hash: bytesToHex(evidenceHash(ev)),
          validator: ev.voteA.validator,
          height: bigintToHex(BigInt(ev.voteA.height)),
          round: bigintToHex(BigInt(ev.voteA.round)),
          type: ev.voteA.type === PREVOTE ? 'prevote' : 'precommit',
          blockHashes: [ev.voteA.blockHash, ev.voteB.blockHash],
        }));
      }),

      /**
       * The events of a block's end-of-block step (governance outcomes): logs of a module's address
       * that belong to no transaction, so eth_getLogs leaves them out (docs/governance.md "Events").
       */
      open_getBlockEvents: method(z.tuple([blockNumberOrTag]), async ([ref]) => {
        const height = requireHeight(chain, ref);
        const events = chain.blocks.getBlockEvents(height);
        if (events.length === 0) return [];
        const { hash } = chain.blocks.getHeader(height)!;
        const first = blockLogCount(await chain.blocks.getReceipts(height));
        return events.map((log, i) =>
          blockEventJson(log, {
            blockHash: hash,
            blockNumber: height,
            txHash: null,
            txIndex: null,
            logIndex: first + i,
          }),
        );
      }),

      open_getCommit: method(z.tuple([blockNumberOrTag]), ([ref]) => {
        const height = requireHeight(chain, ref);
        const commit = chain.blocks.getCommit(height);
        return commit ? commitJson(commit) : null;
      }),

      /**
       * Proof that a state key (an account, or any raw state key) has a value, or none, in the state
       * root of a block. `treeKey` = sha256(stateKey) is what the proof is about.
       */
      open_getProof: method(z.tuple([proofTarget, blockRef.optional()]), async ([target, ref]) => {
        const height = requireHeight(chain, ref ?? { kind: 'tag', tag: 'latest' });
        const { header, hash } = chain.blocks.getHeader(height)!;
        const stateKey = 'address' in target ? stateKeys.account(target.address) : target.key;
        const root = hexToBytes(header.stateRoot);
        const [value, proof] = await Promise.all([
          chain.state.getAt(root, stateKey),
          chain.state.prove(root, stateKey),
        ]);
        return {
          blockNumber: bigintToHex(BigInt(height)),
          blockHash: hash,
          stateRoot: header.stateRoot,
          stateKey: bytesToHex(stateKey),
          treeKey: bytesToHex(sha256(stateKey)),
          value: value ? bytesToHex(value) : null,
          proof: proofToJson(proof) as unknown as JsonValue,
        };
      }),
    },
  };
}
