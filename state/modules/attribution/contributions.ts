// Contributions: content registered by its chunk-tree root, de-duplicated chain-wide by that root
// (the content hash: first submitter wins), curated by the Datanet owner where the policy says so, and bonded
// where the Datanet asks for a bond.
import { bytesToHex } from '../../../core/bytes.ts';
import type { Call } from './call.ts';
import { LIMITS, requireNoValue, requireText } from './checks.ts';
import { AttributionError } from './errors.ts';
import { emit } from './events.ts';
import { Counter } from './keys.ts';
import { burnFromModule, payFromModule } from './ledger.ts';
import {
  BondStatus,
  type Contribution,
  type Datanet,
  FlagReason,
  Policy,
  STATUS_NAMES,
  Status,
} from './records.ts';
import {
  contributionByRoot,
  indexRoot,
  nextId,
  requireContribution,
  requireDatanet,
  writeContribution,
} from './store.ts';

export interface AddContribution {
  readonly datanetId: bigint;
  readonly chunkRoot: Uint8Array;
  readonly size: bigint;
  readonly uri: string;
}

export function addContribution(call: Call, args: AddContribution): void {
  const { ctx, state, params } = call;
  const datanet = requireDatanet(state, args.datanetId);
  if (args.size < 1n || args.size > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new AttributionError(
      'INVALID_ARGUMENT',
      `size must be between 1 and ${Number.MAX_SAFE_INTEGER} bytes, got ${args.size}`,
    );
  }
  if (ctx.value !== datanet.bond) {
    throw new AttributionError(
      'WRONG_BOND',
      `datanet ${args.datanetId} requires a bond of ${datanet.bond}, but ${ctx.value} was sent`,
    );
  }
  const uri = requireText(args.uri, 'uri', LIMITS.uri);
  const existing = contributionByRoot(state, args.chunkRoot);
  if (existing !== 0n) {
    throw new AttributionError(
      'DUPLICATE_CONTENT',
      `content with chunk root ${bytesToHex(args.chunkRoot)} is already registered as contribution ${existing}`,
    );
  }

  const open = datanet.policy === Policy.open;
  const contribution: Contribution = {
    datanetId: args.datanetId,
    contributor: ctx.from,
    chunkRoot: args.chunkRoot.slice(),
    size: Number(args.size),
    chunkSize: params.chunkSize,
    uri,
    status: open ? Status.accepted : Status.pending,
    flagReason: FlagReason.none,
    bond: datanet.bond,
    bondStatus: datanet.bond > 0n ? BondStatus.held : BondStatus.none,
    submittedAt: ctx.block.time,
    acceptedAt: open ? ctx.block.time : 0,
  };
  const id = nextId(state, Counter.contribution);
  writeContribution(state, id, contribution);
  indexRoot(state, contribution.chunkRoot, id);
  emit(ctx, 'ContributionAdded', {
    contributionId: id,
    datanetId: args.datanetId,
    contributor: ctx.from,
    chunkRoot: bytesToHex(contribution.chunkRoot),
    size: args.size,
    status: contribution.status,
    bond: datanet.bond,
  });
}

/** A pending contribution of a curated Datanet, checked to be the sender's to decide on. */
function curatedByCaller(
  call: Call,
  id: bigint,
  fn: string,
): { contribution: Contribution; datanet: Datanet } {
  const contribution = requireContribution(call.state, id);
  const datanet = requireDatanet(call.state, contribution.datanetId);
  if (datanet.policy !== Policy.curated) {
    throw new AttributionError(
      'NOT_CURATED',
      `${fn}: datanet ${contribution.datanetId} is open, not curated`,
    );
  }
  if (call.ctx.from !== datanet.owner) {
    throw new AttributionError(
      'NOT_AUTHORIZED',
      `${fn}: only the owner of datanet ${contribution.datanetId} (${datanet.owner}) may do this`,
    );
  }
  return { contribution, datanet };
}

function requireStatus(contribution: Contribution, id: bigint, status: Status, fn: string): void {
  if (contribution.status !== status) {
    throw new AttributionError(
      'WRONG_STATUS',
      `${fn}: contribution ${id} is ${STATUS_NAMES[contribution.status]}, must be ${STATUS_NAMES[status]}`,
    );
  }
}

export function decideContribution(call: Call, id: bigint, approve: boolean): void {
  const fn = approve ? 'approveContribution' : 'rejectContribution';
  requireNoValue(call.ctx, fn);
  const { contribution } = curatedByCaller(call, id, fn);
  requireStatus(contribution, id, Status.pending, fn);
  writeContribution(call.state, id, {
    ...contribution,
    status: approve ? Status.accepted : Status.rejected,
    acceptedAt: approve ? call.ctx.block.time : 0,
  });
  const args = { contributionId: id, datanetId: contribution.datanetId };
  emit(call.ctx, approve ? 'ContributionApproved' : 'ContributionRejected', args);
}

/** End of an accepted contribution's challenge window (block ms). */
function windowEnd(call: Call, contribution: Contribution): number {
  return contribution.acceptedAt + call.params.challengeWindowSeconds * 1000;
}

export function flagContribution(call: Call, id: bigint, reason: bigint): void {
  requireNoValue(call.ctx, 'flagContribution');
  if (reason !== BigInt(FlagReason.redundant) && reason !== BigInt(FlagReason.adversarial)) {
    throw new AttributionError(
      'INVALID_ARGUMENT',
      `reason must be 1 (redundant) or 2 (adversarial), got ${reason}`,
    );
  }
  const { contribution } = curatedByCaller(call, id, 'flagContribution');
  requireStatus(contribution, id, Status.accepted, 'flagContribution');
  const end = windowEnd(call, contribution);
  if (call.ctx.block.time >= end) {
    throw new AttributionError(
      'CHALLENGE_WINDOW_CLOSED',
      `flagContribution: the challenge window of contribution ${id} closed at ${new Date(end).toISOString()}`,
    );
  }
  const burned = contribution.bondStatus === BondStatus.held ? contribution.bond : 0n;
  if (burned > 0n) burnFromModule(call, burned);
  writeContribution(call.state, id, {
    ...contribution,
    status: Status.flagged,
    flagReason: Number(reason) as FlagReason,
    bondStatus: burned > 0n ? BondStatus.burned : contribution.bondStatus,
  });
  emit(call.ctx, 'ContributionFlagged', {
    contributionId: id,
    datanetId: contribution.datanetId,
    reason: Number(reason),
    bondBurned: burned,
  });
}

export function withdrawBond(call: Call, id: bigint): void {
  requireNoValue(call.ctx, 'withdrawBond');
  const contribution = requireContribution(call.state, id);
  if (call.ctx.from !== contribution.contributor) {
    throw new AttributionError(
      'NOT_AUTHORIZED',
      `withdrawBond: only the contributor (${contribution.contributor}) may withdraw`,
    );
  }
  if (contribution.bondStatus !== BondStatus.held) {
    const why = ['no bond was posted', '', 'the bond was already withdrawn', 'the bond was burned'][
      contribution.bondStatus
    ];
    throw new AttributionError(
      'WRONG_STATUS',
      `withdrawBond: contribution ${id} has no bond to withdraw: ${why}`,
    );
  }
  if (contribution.status === Status.pending) {
    throw new AttributionError('BOND_LOCKED', `withdrawBond: contribution ${id} is still pending review`);
  }
  if (contribution.status === Status.accepted && call.ctx.block.time < windowEnd(call, contribution)) {
    throw new AttributionError(
      'BOND_LOCKED',
      `withdrawBond: contribution ${id}'s bond is locked until its challenge window closes at ${new Date(windowEnd(call, contribution)).toISOString()}`,
    );
  }
  payFromModule(call, contribution.contributor, contribution.bond);
  writeContribution(call.state, id, { ...contribution, bondStatus: BondStatus.withdrawn });
  emit(call.ctx, 'BondWithdrawn', {
    contributionId: id,
    contributor: contribution.contributor,
    amount: contribution.bond,
  });
}
