// Consent (docs/attribution.md, "Floors and consent"): a base model's owner decides who may build
// LoRA adapters on it and what share of their fees it takes; a curated Datanet's owner decides
// whose models may name it. Both are checked when a model registers, and bind only later
// registrations: a model already registered keeps its lineage and Datanets.
import type { Address } from '../../../core/address.ts';
import { record, uint8, uint16 } from '../../codec/schema.ts';
import type { StateReader } from '../../stateDb.ts';
import type { Call } from './call.ts';
import { requireNoValue } from './checks.ts';
import { AttributionError } from './errors.ts';
import { emit } from './events.ts';
import { attributionKeys as keys } from './keys.ts';
import { type Datanet, type Model, Policy } from './records.ts';
import { requireDatanet, requireModel } from './store.ts';

/** closed (no policy set): only the base model's owner builds on it; open: anyone; allowList: listed owners. */
export const AdapterMode = { closed: 0, open: 1, allowList: 2 } as const;
export type AdapterMode = (typeof AdapterMode)[keyof typeof AdapterMode];

const adapterPolicyRecord = record('adapter policy', { mode: uint8, minBaseShareBps: uint16 });
export type AdapterPolicy = ReturnType<typeof adapterPolicyRecord.decode>;

const ALLOWED = Uint8Array.of(1);

export function readAdapterPolicy(state: StateReader, modelId: bigint): AdapterPolicy {
  const bytes = state.get(keys.adapterPolicy(modelId));
  return bytes ? adapterPolicyRecord.decode(bytes) : { mode: AdapterMode.closed, minBaseShareBps: 0 };
}

export function isAdapterAllowed(state: StateReader, modelId: bigint, owner: Address): boolean {
  return state.get(keys.adapterAllowed(modelId, owner)) !== undefined;
}

export function isDatanetModelAllowed(state: StateReader, datanetId: bigint, owner: Address): boolean {
  return state.get(keys.datanetModelAllowed(datanetId, owner)) !== undefined;
}

/** An allow-list entry: a record while allowed, none otherwise. */
function writeAllowed(call: Call, key: Uint8Array, allowed: boolean): void {
  call.state.set(key, allowed ? ALLOWED : null);
}

function requireModelOwner(call: Call, modelId: bigint, fn: string): Model {
  const model = requireModel(call.state, modelId);
  if (call.ctx.from !== model.owner)
    throw new AttributionError(
      'NOT_AUTHORIZED',
      `${fn}: only the owner of model ${modelId} (${model.owner}) may do this`,
    );
  return model;
}

export function setAdapterPolicy(call: Call, modelId: bigint, mode: bigint, minBaseShareBps: bigint): void {
  requireNoValue(call.ctx, 'setAdapterPolicy');
  requireModelOwner(call, modelId, 'setAdapterPolicy');
  if (mode > BigInt(AdapterMode.allowList))
    throw new AttributionError(
      'INVALID_ARGUMENT',
      `mode must be 0 (closed), 1 (open) or 2 (allow-list), got ${mode}`,
    );
  // An adapter's owner share covers the base share and its split keeps the floors.
  const room = 10_000 - call.params.minContributorsBps - call.params.minValidatorsBps;
  if (minBaseShareBps > BigInt(room)) {
    throw new AttributionError(
      'INVALID_ARGUMENT',
      `minBaseShareBps must be at most ${room} (10000 less the contributors' and validators' floors), got ${minBaseShareBps}`,
    );
  }
  const policy = { mode: Number(mode), minBaseShareBps: Number(minBaseShareBps) };
  call.state.set(keys.adapterPolicy(modelId), adapterPolicyRecord.encode(policy));
  emit(call.ctx, 'AdapterPolicySet', { modelId, ...policy });
}

export function setAdapterAllowed(call: Call, modelId: bigint, owner: Address, allowed: boolean): void {
  requireNoValue(call.ctx, 'setAdapterAllowed');
  requireModelOwner(call, modelId, 'setAdapterAllowed');
  writeAllowed(call, keys.adapterAllowed(modelId, owner), allowed);
  emit(call.ctx, 'AdapterAllowed', { modelId, adapterOwner: owner, allowed });
}

export function setDatanetModelAllowed(
  call: Call,
  datanetId: bigint,
  owner: Address,
  allowed: boolean,
): void {
  requireNoValue(call.ctx, 'setDatanetModelAllowed');
  const datanet = requireDatanet(call.state, datanetId);
  if (call.ctx.from !== datanet.owner) {
    throw new AttributionError(
      'NOT_AUTHORIZED',
      `setDatanetModelAllowed: only the owner of datanet ${datanetId} (${datanet.owner}) may do this`,
    );
  }
  if (datanet.policy !== Policy.curated)
    throw new AttributionError(
      'NOT_CURATED',
      `setDatanetModelAllowed: datanet ${datanetId} is open to every model`,
    );
  writeAllowed(call, keys.datanetModelAllowed(datanetId, owner), allowed);
  emit(call.ctx, 'DatanetModelAllowed', { datanetId, modelOwner: owner, allowed });
}

/** Throws unless a model of `owner` may name this Datanet: open, owned by `owner`, or on its allow-list. */
export function requireDatanetConsent(
  state: StateReader,
  datanetId: bigint,
  datanet: Datanet,
  owner: Address,
): void {
  if (
    datanet.policy === Policy.open ||
    datanet.owner === owner ||
    isDatanetModelAllowed(state, datanetId, owner)
  )
    return;
  throw new AttributionError(
    'DATANET_NOT_ALLOWED',
    `datanet ${datanetId} is curated and its owner (${datanet.owner}) has not allowed models of ${owner}`,
  );
}

/**
 * The share of the whole fee an adapter of `owner` on `baseModelId` passes to it, or a throw if
 * the base's owner does not consent: the policy's minimum, and never below the protocol's.
 */
export function adapterBaseShare(call: Call, baseModelId: bigint, base: Model, owner: Address): number {
  const policy = readAdapterPolicy(call.state, baseModelId);
  const allowed =
    base.owner === owner ||
    policy.mode === AdapterMode.open ||
    (policy.mode === AdapterMode.allowList && isAdapterAllowed(call.state, baseModelId, owner));
  if (!allowed) {
    const why =
      policy.mode === AdapterMode.closed ? 'takes no adapters' : 'has not allowed adapters of this owner';
    throw new AttributionError(
      'ADAPTER_NOT_ALLOWED',
      `base model ${baseModelId} ${why} (${owner}); its owner sets the policy with setAdapterPolicy`,
    );
  }
  return Math.max(policy.minBaseShareBps, call.params.loraBaseShareBps);
}
