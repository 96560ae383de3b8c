// Datanets: named collections of contributions with an owner, a policy and a contributor bond.
import type { Call } from './call.ts';
import { LIMITS, requireNoValue, requireText } from './checks.ts';
import { AttributionError } from './errors.ts';
import { emit } from './events.ts';
import { Counter } from './keys.ts';
import { type Datanet, Policy } from './records.ts';
import { nextId, writeDatanet } from './store.ts';

export interface CreateDatanet {
  readonly name: string;
  readonly metadataURI: string;
  readonly license: string;
  readonly policy: bigint;
  readonly bond: bigint;
}

export function createDatanet(call: Call, args: CreateDatanet): void {
  const { ctx, state } = call;
  requireNoValue(ctx, 'createDatanet');
  if (args.policy !== BigInt(Policy.open) && args.policy !== BigInt(Policy.curated)) {
    throw new AttributionError(
      'INVALID_ARGUMENT',
      `policy must be 0 (open) or 1 (curated), got ${args.policy}`,
    );
  }
  if (args.name.length === 0) throw new AttributionError('INVALID_ARGUMENT', 'name must not be empty');
  const datanet: Datanet = {
    owner: ctx.from,
    policy: Number(args.policy) as Policy,
    bond: args.bond,
    name: requireText(args.name, 'name', LIMITS.name),
    metadataURI: requireText(args.metadataURI, 'metadataURI', LIMITS.uri),
    license: requireText(args.license, 'license', LIMITS.license),
    createdAt: ctx.block.time,
  };
  const id = nextId(state, Counter.datanet);
  writeDatanet(state, id, datanet);
  emit(ctx, 'DatanetCreated', {
    datanetId: id,
    owner: ctx.from,
    policy: datanet.policy,
    bond: datanet.bond,
    name: datanet.name,
  });
}
