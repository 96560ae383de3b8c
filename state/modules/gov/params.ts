// The governance parameters, declared once with their bounds: the record codec, the module's reads,
// the genesis validation and the checks of proposals that change them (registry.ts) all come from
// this declaration. They live in the state, so governance can change its own rules.
import { param, paramSet, uint16, uint64, uint256 } from '../../codec/schema.ts';
import type { StateOverlay, StateReader } from '../../stateDb.ts';
import { stateKeys } from '../../stateKeys.ts';
import { GovError } from './errors.ts';

const BPS = 10_000;
const MAX_UINT256 = 2n ** 256n - 1n;

export const govParams = paramSet('gov params', {
  /** Total deposit a proposal needs before it goes to a vote. */
  minDeposit: param(uint256, { min: 1n, max: MAX_UINT256 }),
  /** The submitter's own deposit must be at least this share of minDeposit (spam filter). */
  minInitialDepositBps: param(uint16, { min: 0, max: BPS }),
  /** Blocks a proposal may collect deposits; it expires (deposits refunded) if minDeposit is not reached. */
  maxDepositPeriodBlocks: param(uint64, { min: 1, max: 100_000_000 }),
  /** Blocks of voting; the tally and the outcome come at the end of the last one. */
  votingPeriodBlocks: param(uint64, { min: 1, max: 100_000_000 }),
  /** Least share of the bonded stake that must vote (abstain counts) for a valid outcome. */
  quorumBps: param(uint16, { min: 1, max: BPS }),
  /** Share of yes among yes + no + noWithVeto above which a proposal passes. */
  thresholdBps: param(uint16, { min: 1, max: BPS }),
  /** Share of noWithVeto among all votes above which a proposal is vetoed (deposits burned). */
  vetoThresholdBps: param(uint16, { min: 1, max: BPS }),
});

export type GovParams = ReturnType<typeof govParams.decode>;

const KEY = stateKeys.params('gov');

/** Undefined on a chain whose genesis has no gov section (governance is off there). */
export function findGovParams(state: StateReader): GovParams | undefined {
  const bytes = state.get(KEY);
  return bytes ? govParams.decode(bytes) : undefined;
}

export function readGovParams(state: StateReader): GovParams {
  const p = findGovParams(state);
  if (!p)
    throw new GovError(
      'GOV_NOT_ENABLED',
      'governance is not enabled on this chain: its genesis has no gov section',
    );
  return p;
}

/** Throws ParamError (naming the parameter) for a value outside its bounds, writing nothing. */
export function writeGovParams(state: StateOverlay, params: GovParams): void {
  state.set(KEY, govParams.encode(params));
}
