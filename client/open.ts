// The open_ namespace as viem actions: `client.extend(openActions)` adds one typed method per
// open_ RPC method to any viem client (public or wallet, HTTP or WebSocket).
import type { Client, EIP1193RequestFn, Hex } from 'viem';
import type {
  AttributionJson,
  CommitJson,
  DelegatorJson,
  ProofJson,
  StakingJson,
  ValidatorSetJson,
} from './json.ts';

/** A block by number or tag, as the node takes it. */
export type BlockRef = bigint | 'latest' | 'earliest' | 'pending' | 'safe' | 'finalized';

const quantity = (n: bigint | number): Hex => `0x${n.toString(16)}`;
const blockParam = (b: BlockRef): string => (typeof b === 'bigint' ? quantity(b) : b);

type Earnings = { contributor: Hex } | { contribution: bigint } | { datanet: bigint };

export function openActions(client: Client) {
  // open_ methods are outside viem's Ethereum schema; each action below fixes its own types.
  const request = client.request as unknown as EIP1193RequestFn<
    [{ Method: string; Parameters: unknown[]; ReturnType: unknown }]
  >;
  const call = <T>(method: string, params: unknown[] = []) => request({ method, params }) as Promise<T>;
  return {
    nodeInfo: () => call<Record<string, unknown>>('open_nodeInfo'),
    genesis: () => call<{ hash: Hex; document: Record<string, unknown> }>('open_genesis'),
    peers: () => call<Record<string, unknown>[]>('open_peers'),
    syncStatus: () =>
      call<{ syncing: boolean; startingBlock: number; currentBlock: number; highestBlock: number }>(
        'open_syncStatus',
      ),
    /** The validator set that signs block `block` (default: the latest). */
    validatorSet: (block: BlockRef = 'latest') =>
      call<ValidatorSetJson>('open_validators', [blockParam(block)]),
    /** A block's commit certificate; null for genesis. */
    getCommit: (block: BlockRef) => call<CommitJson | null>('open_getCommit', [blockParam(block)]),
    getEvidence: (block: BlockRef) =>
      call<{ hash: Hex; validator: Hex; height: Hex; round: Hex; type: string; blockHashes: Hex[] }[]>(
        'open_getEvidence',
        [blockParam(block)],
      ),
    /** A state proof of an account (or a raw state key) against a block's state root. */
    getProof: (target: { address: Hex } | { key: Hex }, block: BlockRef = 'latest') =>
      call<ProofJson>('open_getProof', [target, blockParam(block)]),

    attributionParams: () => call<AttributionJson<'params'>>('open_attributionParams'),
    attributionCounts: () =>
      call<{ datanets: Hex; contributions: Hex; models: Hex; inferences: Hex }>('open_attributionCounts'),
    getDatanet: (id: bigint) => call<AttributionJson<'getDatanet'>>('open_getDatanet', [quantity(id)]),
    getContribution: (id: bigint) =>
      call<AttributionJson<'getContribution'>>('open_getContribution', [quantity(id)]),
    getModel: (id: bigint) => call<AttributionJson<'getModel'>>('open_getModel', [quantity(id)]),
    getInference: (id: bigint) => call<AttributionJson<'getInference'>>('open_getInference', [quantity(id)]),
    /** An attested record with its window, escrow and settlement (docs/attribution.md, "Attested scores"). */
    getAttestedInference: (id: bigint) =>
      call<AttributionJson<'getAttestedInference'>>('open_getAttestedInference', [quantity(id)]),
    /** Each snapshot validator's attestation of an attested record. */
    getAttestations: (id: bigint) =>
      call<AttributionJson<'getAttestations'>>('open_getAttestations', [quantity(id)]),
    /** Attribution earnings of a contributor address, a contribution or a Datanet (a hex quantity). */
    getEarnings: (of: Earnings) =>
      call<Hex>('open_getEarnings', [
        'contributor' in of
          ? of
          : 'contribution' in of
            ? { contribution: quantity(of.contribution) }
            : { datanet: quantity(of.datanet) },
      ]),
    /** Everything an address was paid by the attribution module, per payout role. */
    getEarningsByRole: (recipient: Hex) =>
      call<AttributionJson<'earningsOf'>>('open_getEarningsByRole', [recipient]),

    stakingParams: () => call<StakingJson<'params'>>('open_stakingParams'),
    stakingPool: () => call<StakingJson<'pool'>>('open_stakingPool'),
    /** A validator by its operator address; null if there is none. */
    getValidator: (operator: Hex) => call<StakingJson<'validator'> | null>('open_getValidator', [operator]),
    getValidators: () => call<StakingJson<'validators'>>('open_getValidators'),
    getDelegator: (delegator: Hex) => call<DelegatorJson>('open_getDelegator', [delegator]),
  };
}

export type OpenActions = ReturnType<typeof openActions>;
