// Models and LoRA adapters: a model names the Datanets it was trained on, its fee and fee split; an
// adapter also names its base model. Base links are fixed at registration and must point to an
// existing model, so every link points to a lower id and the graph cannot have a cycle; the only
// cycle a registration can name is the model itself (its id is the next one), which is refused.
import type { Address } from '../../../core/address.ts';
import type { StateReader } from '../../stateDb.ts';
import type { Call } from './call.ts';
import { LIMITS, requireNoValue, requireText } from './checks.ts';
import { AttributionError } from './errors.ts';
import { emit } from './events.ts';
import { Counter } from './keys.ts';
import { adapterBaseShare, requireDatanetConsent } from './policies.ts';
import type { FeeSplit, Model } from './records.ts';
import { inferenceFee } from './split.ts';
import { lastId, nextId, readModel, requireDatanet, requireModel, writeModel } from './store.ts';

export interface RegisterModel {
  readonly name: string;
  readonly metadataURI: string;
  readonly datanetIds: readonly bigint[];
  readonly baseModelId: bigint;
  readonly feePerInference: bigint;
  readonly feePerKiloByte: bigint;
  readonly split: { readonly [K in keyof FeeSplit]: bigint };
}

export function registerModel(call: Call, args: RegisterModel): void {
  const { ctx, state, params } = call;
  requireNoValue(ctx, 'registerModel');
  if (args.name.length === 0) throw new AttributionError('INVALID_ARGUMENT', 'name must not be empty');
  const name = requireText(args.name, 'name', LIMITS.name);
  const metadataURI = requireText(args.metadataURI, 'metadataURI', LIMITS.uri);
  const split = requireSplit(args.split);
  requireFloors(call, split, args);

  if (args.datanetIds.length > LIMITS.datanetsPerModel) {
    throw new AttributionError(
      'INVALID_ARGUMENT',
      `a model may name at most ${LIMITS.datanetsPerModel} datanets, got ${args.datanetIds.length}`,
    );
  }
  const datanetIds = [...args.datanetIds].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  datanetIds.forEach((id, i) => {
    if (i > 0 && datanetIds[i - 1] === id)
      throw new AttributionError('INVALID_ARGUMENT', `datanet ${id} is named twice`);
    requireDatanetConsent(state, id, requireDatanet(state, id), ctx.from);
  });

  let depth = 0;
  let baseShareBps = 0;
  if (args.baseModelId !== 0n) {
    if (args.baseModelId === lastId(state, Counter.model) + 1n) {
      throw new AttributionError(
        'BASE_MODEL_CYCLE',
        `model ${args.baseModelId} cannot be its own base model`,
      );
    }
    const base = requireModel(state, args.baseModelId);
    depth = base.depth + 1;
    if (depth > params.maxLoraDepth) {
      throw new AttributionError(
        'LORA_TOO_DEEP',
        `base model ${args.baseModelId} would put this adapter at depth ${depth}, above the limit of ${params.maxLoraDepth}`,
      );
    }
    baseShareBps = adapterBaseShare(call, args.baseModelId, base, ctx.from);
    if (split.ownerBps < baseShareBps) {
      throw new AttributionError(
        'SPLIT_BELOW_FLOOR',
        `base model ${args.baseModelId} takes ${baseShareBps} basis points of the whole fee, out of the owner share: ownerBps must be at least that, got ${split.ownerBps}`,
      );
    }
  }

  const model: Model = {
    owner: ctx.from,
    name,
    metadataURI,
    datanetIds,
    baseModelId: args.baseModelId,
    depth,
    feePerInference: args.feePerInference,
    feePerKiloByte: args.feePerKiloByte,
    split,
    createdAt: ctx.block.time,
    baseShareBps,
  };
  const id = nextId(state, Counter.model);
  writeModel(state, id, model);
  emit(ctx, 'ModelRegistered', {
    modelId: id,
    owner: ctx.from,
    baseModelId: args.baseModelId,
    datanetIds,
    feePerInference: args.feePerInference,
    feePerKiloByte: args.feePerKiloByte,
    split,
    name,
  });
}

function requireSplit(s: RegisterModel['split']): FeeSplit {
  const sum = s.ownerBps + s.contributorsBps + s.validatorsBps + s.treasuryBps;
  if (sum !== 10_000n) {
    throw new AttributionError(
      'BAD_FEE_SPLIT',
      `fee split must sum to 10000 basis points, got ${sum} (owner ${s.ownerBps}, contributors ${s.contributorsBps}, validators ${s.validatorsBps}, treasury ${s.treasuryBps})`,
    );
  }
  return {
    ownerBps: Number(s.ownerBps),
    contributorsBps: Number(s.contributorsBps),
    validatorsBps: Number(s.validatorsBps),
    treasuryBps: Number(s.treasuryBps),
  };
}

/** The protocol's floors of a split and a fee, and the fee ceiling that keeps every fee far from overflow. */
function requireFloors(call: Call, split: FeeSplit, args: RegisterModel): void {
  const p = call.params;
  if (split.contributorsBps < p.minContributorsBps || split.validatorsBps < p.minValidatorsBps) {
    throw new AttributionError(
      'SPLIT_BELOW_FLOOR',
      `every split gives contributors at least ${p.minContributorsBps} and validators at least ${p.minValidatorsBps} basis points, got ${split.contributorsBps} and ${split.validatorsBps}`,
    );
  }
  if (args.feePerInference < p.minFeePerInference) {
    throw new AttributionError(
      'FEE_TOO_LOW',
      `feePerInference must be at least ${p.minFeePerInference}, got ${args.feePerInference}`,
    );
  }
  const largest = inferenceFee(args.feePerInference, args.feePerKiloByte, p.maxOutputBytes);
  if (largest > p.maxModelFee) {
    throw new AttributionError(
      'FEE_TOO_HIGH',
      `the fee of a ${p.maxOutputBytes}-byte output would be ${largest}, above the maximum model fee ${p.maxModelFee}`,
    );
  }
}

export interface LineageEntry {
  readonly modelId: bigint;
  readonly model: Model;
}

/** The model, then its base model, and so on to the root (at most depth + 1 entries). */
export function lineage(state: StateReader, modelId: bigint, model: Model): LineageEntry[] {
  const out: LineageEntry[] = [{ modelId, model }];
  let current = model;
  while (current.baseModelId !== 0n) {
    const id = current.baseModelId;
    const base = readModel(state, id);
    if (!base || out.length > model.depth)
      throw new Error(`model ${modelId}: broken base-model chain at ${id}`);
    out.push({ modelId: id, model: base });
    current = base;
  }
  return out;
}

export function lineageOwners(
  entries: readonly LineageEntry[],
): { modelId: bigint; owner: Address; baseShareBps: number }[] {
  return entries.map((e) => ({
    modelId: e.modelId,
    owner: e.model.owner,
    baseShareBps: e.model.baseShareBps,
  }));
}
