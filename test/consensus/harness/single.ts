// One real engine (node `me` of a Cluster) against scripted peers: the other validators' keys sign
// proposals and votes that the test hands to the engine directly.
import { type Block, blockHash } from '../../../core/block.ts';
import type { Hex } from '../../../core/bytes.ts';
import { PREVOTE, type VoteType } from '../../../core/vote.ts';
import { Cluster, type ClusterOptions } from './cluster.ts';
import { plain, proposal, proposerOrder, vote } from './fixtures.ts';

/** Node `me` runs an engine; the other validators are scripted. */
export async function single(opts: ClusterOptions & { me?: number } = {}) {
  const c = new Cluster(opts);
  const vals = c.validators;
  const order = proposerOrder(vals.map(plain), 4);
  const me = opts.me ?? vals.findIndex((_, i) => !order.slice(0, 2).includes(i));
  await c.startNode(me);
  const node = c.nodes[me]!;
  const engine = () => node.engine!;
  const others = vals.map((_, i) => i).filter((i) => i !== me);
  const own = () =>
    c.net.sent
      .filter((s) => s.from === node.id)
      .map((s) => s.message)
      .flatMap((m) =>
        m.kind === 'vote'
          ? [
              {
                type: m.vote.type === PREVOTE ? 'prevote' : 'precommit',
                height: m.vote.height,
                round: m.vote.round,
                hash: m.vote.blockHash,
              },
            ]
          : [],
      );
  const buildBlock = (round: number, time = c.time.now(), height = 1): Block =>
    node.app.build({
      height,
      time,
      proposer: plain(vals[order[round]!]!),
      lastCommit: height === 1 ? null : node.app.blockAt(height - 1)!.commit,
      evidence: [],
    });
  const propose = (block: Block, round: number, polRound = -1, signer = vals[order[round]!]!) =>
    engine().onProposal(proposal(signer, block, round, polRound), 'peer');
  const send = (i: number, type: VoteType, round: number, hash: Hex | null, height = 1) =>
    engine().onVote(vote(vals[i]!, type, height, round, hash), 'peer');
  /** `block` proposed in `round` and prevoted by every other validator; its hash. */
  const proposePrevoted = (block: Block, round: number): Hex => {
    const hash = blockHash(block.header);
    propose(block, round);
    for (const i of others) send(i, PREVOTE, round, hash);
    return hash;
  };
  /** Runs until round 0 started (after timeoutCommit). */
  const toRound0 = () => c.runUntil(() => engine().status().step !== 'newHeight', 5000);
  return {
    c,
    vals,
    order,
    me,
    node,
    engine,
    others,
    own,
    buildBlock,
    propose,
    proposePrevoted,
    send,
    toRound0,
  };
}
