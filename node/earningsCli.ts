// `openchain earnings`: what an address has earned on the chain, in every role, from the state (the
// modules' own totals, so the answer is exact and the same on every node): the attribution module's
// payouts by role (model owner, base model owner, contributor, the validators' share, treasury,
// Datanet owner, challenger), and staking income (rewards and commission paid, and still to
// withdraw). With --contribution or --datanet, those totals. docs/attribution.md, "Command line".
import type { Command } from 'commander';
import type { Address } from '../core/address.ts';
import { OpenchainError } from '../core/errors.ts';
import { id, view } from './attributionCli.ts';
import { addressArg, connect, type Node, print, request, withRpc } from './moduleClient.ts';
import { findValidator, stakingView } from './stakeCli.ts';

type ByRole = Record<string, bigint>;

interface DelegationView {
  pendingRewards: bigint;
}

/** Every income of `who`, by module and role, with its balance. */
async function earningsOf(rpc: Node, who: Address) {
  const [byRole, delegations, [paidRewards, paidCommission], validator, balance] = await Promise.all([
    view<ByRole>(rpc, 'earningsOf', [who]),
    stakingView<readonly DelegationView[]>(rpc, 'delegations', [who]),
    stakingView<readonly [bigint, bigint]>(rpc, 'paid', [who]),
    findValidator(rpc, who),
    request(rpc, (node) => node.getBalance({ address: who })),
  ]);
  return {
    address: who,
    balance,
    attribution: { ...byRole, total: Object.values(byRole).reduce((a, b) => a + b, 0n) },
    staking: {
      // Paid: withdrawn, or settled when a delegation changed. Pending: allocated, not yet withdrawn.
      paidRewards,
      paidCommission,
      pendingRewards: delegations.reduce((sum, d) => sum + d.pendingRewards, 0n),
      pendingCommission: validator?.commission ?? 0n,
    },
  };
}

export function registerEarningsCommand(program: Command): void {
  withRpc(
    program
      .command('earnings [address]')
      .description(
        "an address's earnings in every role (attribution payouts by role, staking rewards and commission paid and pending) and balance; or a contribution's or Datanet's",
      )
      .option('--contribution <id>', 'earnings of one contribution', id('contribution id'))
      .option('--datanet <id>', 'earnings of one Datanet', id('datanet id')),
  ).action(
    async (raw: string | undefined, opts: { rpc: string; contribution?: bigint; datanet?: bigint }) => {
      const rpc = connect(opts.rpc);
      if (raw === undefined && opts.contribution === undefined && opts.datanet === undefined)
        throw new OpenchainError('USAGE', 'earnings: give an ADDRESS, --contribution ID or --datanet ID');
      const out: Record<string, unknown> = {};
      if (raw !== undefined) Object.assign(out, await earningsOf(rpc, addressArg(raw)));
      if (opts.contribution !== undefined)
        Object.assign(out, {
          contributionId: opts.contribution,
          contributionEarnings: await view<bigint>(rpc, 'contributionEarnings', [opts.contribution]),
        });
      if (opts.datanet !== undefined)
        Object.assign(out, {
          datanetId: opts.datanet,
          datanetEarnings: await view<bigint>(rpc, 'datanetEarnings', [opts.datanet]),
        });
      print(out);
    },
  );
}
