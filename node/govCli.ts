// Governance from the command line: `openchain gov submit|deposit|vote|show|list`. Each command
// talks to a node through moduleClient.ts, on the typed client (views through eth_call, transactions signed
// locally) and prints JSON; amounts are wei or e.g. 100OPEN. The chain checks a proposal's changes
// at submission: a refused one prints the receipt's reason and exits 1. README, "Governance".
import { type Command, InvalidArgumentError } from 'commander';
import type { Address } from '../core/address.ts';
import { OpenchainError } from '../core/errors.ts';
import { GOV_ENUMS } from '../rpc/gov.ts';
import { GOV_ADDRESS, govAbi, VoteOption } from '../state/modules/gov/index.ts';
import {
  addressArg,
  amountArg,
  calldata,
  connect,
  eventArg,
  finish,
  type ModuleTarget,
  moduleView,
  print,
  type SignerOptions,
  sendOne,
  type TxRequest,
  txSummary,
  withRpc,
  withSigner,
} from './moduleClient.ts';

const GOV: ModuleTarget = { address: GOV_ADDRESS, abi: govAbi };

/** Proposals `gov list` shows at most, newest first. */
const LIST_LIMIT = 100;

const OPTION_NAMES: Record<string, number> = {
  yes: VoteOption.yes,
  abstain: VoteOption.abstain,
  no: VoteOption.no,
  'no-with-veto': VoteOption.noWithVeto,
};

interface ProposalView {
  id: bigint;
  kind: number;
  status: number;
  [field: string]: unknown;
}

/** `module.key=value`, e.g. attribution.minContributorsBps=2000. */
function paramChange(value: string, previous: { module: string; key: string; value: string }[] = []) {
  const match = /^([A-Za-z]+)\.([A-Za-z0-9]+)=(.+)$/.exec(value);
  if (!match)
    throw new InvalidArgumentError(
      `expected MODULE.KEY=VALUE, e.g. attribution.minContributorsBps=2000, got "${value}"`,
    );
  return [...previous, { module: match[1]!, key: match[2]!, value: match[3]! }];
}

function proposalId(value: string): bigint {
  if (!/^[1-9][0-9]*$/.test(value))
    throw new InvalidArgumentError(`expected a proposal id (1, 2, ...), got "${value}"`);
  return BigInt(value);
}

/** A proposal as people read it: kind and status by name. */
function describe(p: ProposalView) {
  return { ...p, kind: GOV_ENUMS.kind[p.kind] ?? p.kind, status: GOV_ENUMS.status[p.status] ?? p.status };
}

const send = (opts: SignerOptions, request: TxRequest) => sendOne(opts, GOV, request);

interface SubmitOptions extends SignerOptions {
  title: string;
  summary: string;
  deposit: bigint;
  param?: { module: string; key: string; value: string }[];
  spendTo?: Address;
  spend?: bigint;
}

function submitRequest(opts: SubmitOptions): TxRequest {
  const { title, summary } = opts;
  if (opts.param && (opts.spendTo || opts.spend !== undefined))
    throw new OpenchainError('USAGE', 'gov submit: give --param changes or a --spend-to/--spend, not both');
  if (opts.param)
    return {
      data: calldata(GOV, 'submitParamChange', [title, summary, opts.param]),
      value: opts.deposit,
      what: 'submitParamChange',
    };
  if (opts.spendTo || opts.spend !== undefined) {
    if (!opts.spendTo || opts.spend === undefined)
      throw new OpenchainError('USAGE', 'gov submit: a treasury spend needs both --spend-to and --spend');
    return {
      data: calldata(GOV, 'submitTreasurySpend', [title, summary, opts.spendTo, opts.spend]),
      value: opts.deposit,
      what: 'submitTreasurySpend',
    };
  }
  return { data: calldata(GOV, 'submitText', [title, summary]), value: opts.deposit, what: 'submitText' };
}

export function registerGovCommands(program: Command): void {
  const gov = program
    .command('gov')
    .description(
      'governance: proposals (parameter changes, treasury spends, text), deposits, stake-weighted votes',
    );

  withSigner(
    gov
      .command('submit')
      .description(
        'submit a proposal: --param changes, a treasury spend (--spend-to, --spend), or text (neither)',
      )
      .requiredOption('--title <text>', 'what the proposal is')
      .option('--summary <text>', 'why', '')
      .requiredOption('--deposit <amount>', 'initial deposit, in wei or e.g. 100OPEN', amountArg)
      .option('--param <module.key=value>', 'a parameter change (repeatable)', paramChange)
      .option('--spend-to <address>', 'treasury spend: the recipient', addressArg)
      .option('--spend <amount>', 'treasury spend: the amount', amountArg),
  ).action(async (opts: SubmitOptions) => {
    const { sent, from } = await send(opts, submitRequest(opts));
    finish(
      {
        proposer: from,
        id: eventArg(sent, 'ProposalSubmitted', 'id'),
        votingEndHeight: eventArg(sent, 'VotingStarted', 'votingEndHeight'),
        ...txSummary(sent),
      },
      [sent],
    );
  });

  withSigner(
    gov
      .command('deposit')
      .description('add to the deposit of a proposal in its deposit period')
      .requiredOption('--proposal <id>', 'proposal id', proposalId)
      .requiredOption('--amount <amount>', 'in wei or e.g. 50OPEN', amountArg),
  ).action(async (opts: SignerOptions & { proposal: bigint; amount: bigint }) => {
    const data = calldata(GOV, 'deposit', [opts.proposal]);
    const { sent, from } = await send(opts, { data, value: opts.amount, what: 'deposit' });
    finish(
      {
        depositor: from,
        proposal: opts.proposal,
        amount: opts.amount,
        totalDeposit: eventArg(sent, 'DepositAdded', 'totalDeposit'),
        votingEndHeight: eventArg(sent, 'VotingStarted', 'votingEndHeight'),
        ...txSummary(sent),
      },
      [sent],
    );
  });

  withSigner(
    gov
      .command('vote')
      .description("vote with the signing account's stake; voting again replaces the vote")
      .requiredOption('--proposal <id>', 'proposal id', proposalId)
      .requiredOption('--option <option>', 'yes, no, abstain or no-with-veto', (v: string) => {
        const option = OPTION_NAMES[v];
        if (option === undefined) throw new InvalidArgumentError('expected yes, no, abstain or no-with-veto');
        return option;
      }),
  ).action(async (opts: SignerOptions & { proposal: bigint; option: number }) => {
    const data = calldata(GOV, 'vote', [opts.proposal, opts.option]);
    const { sent, from } = await send(opts, { data, what: 'vote' });
    finish(
      { voter: from, proposal: opts.proposal, option: GOV_ENUMS.option[opts.option], ...txSummary(sent) },
      [sent],
    );
  });

  withRpc(
    gov
      .command('show <id>')
      .description('a proposal: its changes, deposits, votes and tally (live while voting)'),
  ).action(async (raw: string, opts: { rpc: string }) => {
    const rpc = connect(opts.rpc);
    let id: bigint;
    try {
      id = proposalId(raw);
    } catch (err) {
      throw new OpenchainError('USAGE', `gov show: ${(err as Error).message}`);
    }
    const [proposal, deposits, votes] = await Promise.all([
      moduleView<ProposalView>(rpc, GOV, 'proposal', [id]),
      moduleView(rpc, GOV, 'deposits', [id]),
      moduleView<readonly { voter: Address; option: number }[]>(rpc, GOV, 'votes', [id]),
    ]);
    print({
      ...describe(proposal),
      deposits,
      votes: votes.map((v) => ({ voter: v.voter, option: GOV_ENUMS.option[v.option] })),
    });
  });

  withRpc(
    gov
      .command('list')
      .description('the newest proposals first, with their status and tally, and the parameters'),
  ).action(async (opts: { rpc: string }) => {
    const rpc = connect(opts.rpc);
    const [params, count] = await Promise.all([
      moduleView(rpc, GOV, 'params'),
      moduleView<bigint>(rpc, GOV, 'proposalCount'),
    ]);
    const ids: bigint[] = [];
    for (let id = count; id >= 1n && ids.length < LIST_LIMIT; id--) ids.push(id);
    const proposals = await Promise.all(
      ids.map((id) => moduleView<ProposalView>(rpc, GOV, 'proposal', [id])),
    );
    print({ params, proposals: proposals.map(describe) });
  });
}
