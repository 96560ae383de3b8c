// Contributions: content registered by its chunk-tree root through commit–reveal with a proof of
// possession (commitments.ts, possession.ts), de-duplicated chain-wide by that root (the content
// hash: the earliest commit wins), curated by the Datanet owner where the policy says so, and bonded
// where the Datanet asks for a bond. A rejected, flagged, withdrawn or displaced contribution frees
// its root.
import { bytesToHex } from '../../../core/bytes.ts';
import { readBlockHash } from '../../blockHashes.ts';
import type { Call } from './call.ts';
import { LIMITS, requireNoValue, requireText } from './checks.ts';
import { consumeCommitment, requireRevealable } from './commitments.ts';
import { AttributionError } from './errors.ts';
import { emit } from './events.ts';
import { GAS } from './gas.ts';
import { Counter } from './keys.ts';
import { burnFromModule, payFromModule } from './ledger.ts';
import { type ChunkSample, contributionCommitment, firstBadSample, possessionIndices } from './possession.ts';
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
  releaseRoot,
  requireContribution,
  requireDatanet,
  writeContribution,
} from './store.ts';

export interface Registration {
  readonly datanetId: bigint;
  readonly chunkRoot: Uint8Array;
  readonly size: bigint;
  readonly uri: string;
  /** Height of the commitment revealed: the earlier commit of a root has priority. */
  readonly commitHeight: number;
}

export interface AddContribution extends Omit<Registration, 'commitHeight'> {
  /** The salt of the commitment this reveals. */
  readonly salt: Uint8Array;
  /** The chunks at the indices drawn for the commitment, in draw order. */
  readonly samples: readonly ChunkSample[];
}

/** The reveal: checks the commitment and the samples, consumes the commitment, then registers the root. */
export function addContribution(call: Call, args: AddContribution): void {
  requireSize(args.size);
  const commitment = contributionCommitment(args.chunkRoot, args.size, call.ctx.from, args.salt);
  const commitHeight = requireRevealable(call, commitment);
  requirePossession(call, args, commitment, commitHeight);
  consumeCommitment(call.state, commitment);
  registerContribution(call, { ...args, commitHeight });
}

function requireSize(size: bigint): void {
  if (size < 1n || size > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new AttributionError(
      'INVALID_ARGUMENT',
      `size must be between 1 and ${Number.MAX_SAFE_INTEGER} bytes, got ${size}`,
    );
  }
}

/** Registration proper, once a reveal is checked: the Datanet's rules, the bond and the root's priority. */
export function registerContribution(call: Call, args: Registration): void {
  const { ctx, state, params } = call;
  const datanet = requireDatanet(state, args.datanetId);
  requireSize(args.size);
  if (ctx.value !== datanet.bond) {
    throw new AttributionError(
      'WRONG_BOND',
      `datanet ${args.datanetId} requires a bond of ${datanet.bond}, but ${ctx.value} was sent`,
    );
  }
  const uri = requireText(args.uri, 'uri', LIMITS.uri);
  const commitHeight = args.commitHeight;
  const displaced = laterRegistration(call, args.chunkRoot, commitHeight);

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
    commitHeight,
    submittedHeight: ctx.block.height,
    challengeWindowSeconds: open ? params.challengeWindowSeconds : 0,
  };
  const id = nextId(state, Counter.contribution);
  writeContribution(state, id, contribution);
  indexRoot(state, contribution.chunkRoot, id);
  if (displaced) {
    writeContribution(state, displaced.id, { ...displaced.contribution, status: Status.displaced });
    emit(ctx, 'ContributionDisplaced', { contributionId: displaced.id, byContributionId: id });
  }
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

/** Throws unless the samples prove the chunks drawn from the hash of the block after the commit. */
function requirePossession(
  call: Call,
  args: AddContribution,
  commitment: Uint8Array,
  commitHeight: number,
): void {
  const { params } = call;
  if (args.samples.length !== params.possessionSamples) {
    throw new AttributionError(
      'BAD_POSSESSION_PROOF',
      `a reveal carries ${params.possessionSamples} chunk samples, got ${args.samples.length}`,
    );
  }
  for (const { chunk, path } of args.samples)
    call.ctx.useGas(GAS.proofByte * BigInt(chunk.length + 32 * path.length));
  // requireRevealable checked that block commitHeight + 1's hash is recorded and still in the ring.
  const seed = readBlockHash(call.state, commitHeight + 1)!;
  const size = Number(args.size);
  const indices = possessionIndices(
    seed,
    commitment,
    Math.ceil(size / params.chunkSize),
    params.possessionSamples,
  );
  const bad = firstBadSample(args.chunkRoot, size, params.chunkSize, indices, args.samples);
  if (bad >= 0) {
    throw new AttributionError(
      'BAD_POSSESSION_PROOF',
      `sample ${bad} does not prove chunk ${indices[bad]} of chunk root ${bytesToHex(args.chunkRoot)} (the chunks are drawn from the hash of block ${commitHeight + 1})`,
    );
  }
}

/**
 * The contribution an earlier commit of the same root displaces, if any. The earliest commit has
 * priority: a registration whose commit is later (or in the same block: first revealed stays)
 * than the one holding the root is refused. A registration holding a root can only be displaced
 * within revealWindowBlocks of its own commit, since no earlier commit can be revealed after that.
 */
function laterRegistration(
  call: Call,
  chunkRoot: Uint8Array,
  commitHeight: number,
): { id: bigint; contribution: Contribution } | undefined {
  const id = contributionByRoot(call.state, chunkRoot);
  if (id === 0n) return undefined;
  const contribution = requireContribution(call.state, id);
  if (contribution.commitHeight <= commitHeight) {
    throw new AttributionError(
      'DUPLICATE_CONTENT',
      `content with chunk root ${bytesToHex(chunkRoot)} is already registered as contribution ${id}, committed at height ${contribution.commitHeight} (this commit: ${commitHeight})`,
    );
  }
  return { id, contribution };
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
    challengeWindowSeconds: approve ? call.params.challengeWindowSeconds : 0,
  });
  if (!approve) releaseRoot(call.state, contribution.chunkRoot);
  const args = { contributionId: id, datanetId: contribution.datanetId };
  emit(call.ctx, approve ? 'ContributionApproved' : 'ContributionRejected', args);
}

/** End of an accepted contribution's challenge window (block ms), by the window in force at acceptance. */
function windowEnd(contribution: Contribution): number {
  return contribution.acceptedAt + contribution.challengeWindowSeconds * 1000;
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
  const end = windowEnd(contribution);
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
  releaseRoot(call.state, contribution.chunkRoot);
  emit(call.ctx, 'ContributionFlagged', {
    contributionId: id,
    datanetId: contribution.datanetId,
    reason: Number(reason),
    bondBurned: burned,
  });
}

/** A contribution, checked to be the sender's own (for what only its contributor may do). */
function contributorsOwn(call: Call, id: bigint, fn: string): Contribution {
  requireNoValue(call.ctx, fn);
  const contribution = requireContribution(call.state, id);
  if (call.ctx.from !== contribution.contributor) {
    throw new AttributionError(
      'NOT_AUTHORIZED',
      `${fn}: only the contributor (${contribution.contributor}) may withdraw`,
    );
  }
  return contribution;
}

export function withdrawBond(call: Call, id: bigint): void {
  const contribution = contributorsOwn(call, id, 'withdrawBond');
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
    throw new AttributionError(
      'BOND_LOCKED',
      `withdrawBond: contribution ${id} is still pending review (withdrawContribution takes it back after the review timeout)`,
    );
  }
  if (contribution.status === Status.accepted && call.ctx.block.time < windowEnd(contribution)) {
    throw new AttributionError(
      'BOND_LOCKED',
      `withdrawBond: contribution ${id}'s bond is locked until its challenge window closes at ${new Date(windowEnd(contribution)).toISOString()}`,
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

/** Takes back a contribution left pending past the review timeout: its full bond, and its root freed. */
export function withdrawContribution(call: Call, id: bigint): void {
  const contribution = contributorsOwn(call, id, 'withdrawContribution');
  requireStatus(contribution, id, Status.pending, 'withdrawContribution');
  const timeout = contribution.submittedHeight + call.params.reviewWindowBlocks;
  if (call.ctx.block.height <= timeout) {
    throw new AttributionError(
      'BOND_LOCKED',
      `withdrawContribution: contribution ${id} is under review until height ${timeout}`,
    );
  }
  const refund = contribution.bondStatus === BondStatus.held ? contribution.bond : 0n;
  if (refund > 0n) payFromModule(call, contribution.contributor, refund);
  writeContribution(call.state, id, {
    ...contribution,
    status: Status.withdrawn,
    bondStatus: refund > 0n ? BondStatus.withdrawn : contribution.bondStatus,
  });
  releaseRoot(call.state, contribution.chunkRoot);
  emit(call.ctx, 'ContributionWithdrawn', {
    contributionId: id,
    contributor: contribution.contributor,
    refund,
  });
}
