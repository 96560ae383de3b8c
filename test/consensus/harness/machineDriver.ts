// One validator's HeightMachine plus a driver that plays the engine: own votes are signed and fed
// back as inputs, as the Tendermint paper has it. Shared by the machine tests.
import { type Action, HeightMachine, type TimeoutInfo } from '../../../consensus/machine.ts';
import { newProposerState, ProposerSchedule } from '../../../consensus/proposer.ts';
import { ValidatorSet } from '../../../consensus/validatorSet.ts';
import { type Block, blockHash } from '../../../core/block.ts';
import type { Hex } from '../../../core/bytes.ts';
import { PREVOTE, type VoteType } from '../../../core/vote.ts';
import type { TestValidator } from '../../core/helpers.ts';
import { blockAtHeight1, makeValidators, plain, proposal, proposerOrder, vote } from './fixtures.ts';

export interface MachineOptions {
  readonly powers?: readonly bigint[];
  /** Index of this validator; defaults to one that does not propose rounds 0..2. */
  readonly me?: number;
  /** This node does not vote at this height (self null); `me` still names the validator left out of `others`. */
  readonly observer?: boolean;
  readonly waitForTxs?: () => boolean;
}

export function setup(opts: MachineOptions = {}) {
  const vals = makeValidators(opts.powers ?? [1n, 1n, 1n, 1n], 'machine');
  const order = proposerOrder(vals.map(plain), 8);
  const me = opts.me ?? vals.findIndex((_, i) => !order.slice(0, 3).includes(i));
  const validators = new ValidatorSet(vals.map(plain));
  const m = new HeightMachine({
    chainId: 7n,
    height: 1,
    validators,
    proposers: new ProposerSchedule(newProposerState(vals.map(plain))),
    self: opts.observer ? null : vals[me]!.address,
    futureRoundsPerValidator: 2,
    waitForTxs: opts.waitForTxs,
  });
  const sent: Action[] = [];
  const drive = (actions: Action[]): Action[] => {
    const out: Action[] = [];
    const queue = [...actions];
    while (queue.length > 0) {
      const a = queue.shift()!;
      out.push(a);
      if (a.kind === 'vote')
        queue.push(...m.onVote(vote(vals[me]!, a.type, 1, a.round, a.blockHash), true).actions);
    }
    sent.push(...out);
    return out;
  };
  const others = vals.filter((_, i) => i !== me);
  const block = (salt: number) => blockAtHeight1(vals.map(plain), salt);
  const propose = (
    b: Block,
    round: number,
    polRound = -1,
    { valid = true as boolean | null, timely = true } = {},
  ) =>
    drive(
      m.onProposal({
        proposal: proposal(vals[order[round]!]!, b, round, polRound),
        hash: blockHash(b.header),
        valid,
        timely,
      }),
    );
  const votes = (from: readonly TestValidator[], type: VoteType, round: number, hash: Hex | null) => {
    const out: Action[] = [];
    for (const v of from) out.push(...drive(m.onVote(vote(v, type, 1, round, hash)).actions));
    return out;
  };
  const timeout = (step: TimeoutInfo['step'], round: number) =>
    drive(m.onTimeout({ height: 1, round, step }));
  const start = () => timeout('commit', 0);
  return { m, vals, order, me, others, block, propose, votes, timeout, start, drive, sent };
}

export const hashOf = (b: Block) => blockHash(b.header);

export function ownVotes(actions: Action[]) {
  return actions
    .filter((a): a is Extract<Action, { kind: 'vote' }> => a.kind === 'vote')
    .map((a) => ({ type: a.type === PREVOTE ? 'prevote' : 'precommit', round: a.round, hash: a.blockHash }));
}

export function scheduled(actions: Action[]) {
  return actions
    .filter((a): a is Extract<Action, { kind: 'schedule' }> => a.kind === 'schedule')
    .map((a) => `${a.timeout.step}@${a.timeout.round}`);
}
