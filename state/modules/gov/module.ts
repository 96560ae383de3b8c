// The governance module: proposals, deposits, stake-weighted votes (docs/governance.md).
// Transactions and eth_call reach it at GOV_ADDRESS with calldata of IGov.sol; this file only
// routes a selector to its handler.
import type { AbiFunction } from 'ox';
import type { Address } from '../../../core/address.ts';
import type { StateReader } from '../../stateDb.ts';
import { AbiRouter } from '../abiRouter.ts';
import type { DecodedArgs } from '../attribution/calldata.ts';
import { meteredState } from '../attribution/store.ts';
import type { BlockInfo, CallContext, Module } from '../module.ts';
import { GOV_ADDRESS, govAbi } from './abi.ts';
import type { Call } from './call.ts';
import { GovError } from './errors.ts';
import { GAS } from './gas.ts';
import { readGovParams } from './params.ts';
import { deposit, submitProposal } from './proposals.ts';
import { ProposalKind } from './records.ts';
import { type ViewHandlers, views } from './views.ts';
import { vote } from './votes.ts';

type Abi = typeof govAbi;
type FunctionName = AbiFunction.Name<Abi>;
type Args<N extends FunctionName> = DecodedArgs<AbiFunction.FromAbi<Abi, N>>;
type TxName = Exclude<FunctionName, keyof ViewHandlers>;

const transactions: { [N in TxName]: (call: Call, args: Args<N>) => void } = {
  submitParamChange: (call, [title, summary, changes]) =>
    submitProposal(call, { kind: ProposalKind.paramChange, title, summary, changes }),
  submitTreasurySpend: (call, [title, summary, recipient, amount]) =>
    submitProposal(call, { kind: ProposalKind.treasurySpend, title, summary, recipient, amount }),
  submitText: (call, [title, summary]) => submitProposal(call, { kind: ProposalKind.text, title, summary }),
  deposit: (call, [id]) => deposit(call, id),
  vote: (call, [id, option]) => vote(call, id, option),
};

const router = new AbiRouter<Call>({
  abi: govAbi,
  interfaceName: 'IGov',
  moduleName: 'governance',
  fail: (code, message) => new GovError(code, message),
  transactions,
  views,
});

export class GovModule implements Module {
  readonly name = 'gov';
  readonly address: Address = GOV_ADDRESS;

  execute(ctx: CallContext, data: Uint8Array): void {
    ctx.useGas(GAS.call);
    const run = router.transaction(data);
    const state = meteredState(ctx);
    run({ ctx, state, params: readGovParams(state) });
  }

  view(state: StateReader, _block: BlockInfo, data: Uint8Array, _from: Address): Uint8Array {
    const run = router.view(data);
    readGovParams(state);
    return run(state);
  }
}

/** The governance module, for the node's module registry. */
export function govModule(): GovModule {
  return new GovModule();
}
