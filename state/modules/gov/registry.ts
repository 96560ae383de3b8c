// The parameter sets governance may change, by module name, and the one function that applies a
// proposal's (module, key, value) entries: parsed by each parameter's declared type, checked against
// its declared bounds (the same declaration genesis validation uses) and against the rules that tie
// parameters of different modules together. It runs at submission on a scratch copy of the state
// (a proposal that could never execute is refused then) and again at execution on the block's state
// (the state may have changed since), so the reason is the same both times.
import {
  ParamError,
  type ParamSet,
  type ParamValue,
  paramKind,
  parseAddressText,
} from '../../codec/schema.ts';
import { crossParamsProblem } from '../../crossParams.ts';
import { chainParams, readParams, writeParams } from '../../params.ts';
import type { StateOverlay, StateReader } from '../../stateDb.ts';
import { attributionParams, readAttributionParams, writeAttributionParams } from '../attribution/params.ts';
import { readStakingParams, stakingParams, writeStakingParams } from '../staking/params.ts';
import { GovError } from './errors.ts';
import { govParams, readGovParams, writeGovParams } from './params.ts';
import type { ParamChange } from './records.ts';

interface Governed<T> {
  readonly set: ParamSet<T>;
  read(state: StateReader): T;
  write(state: StateOverlay, values: T): void;
}

const governed = <T>(g: Governed<T>) => g as unknown as Governed<Record<string, ParamValue>>;

/** By the module name a proposal's entries use. */
export const GOVERNED = {
  chain: governed({ set: chainParams, read: readParams, write: writeParams }),
  attribution: governed({
    set: attributionParams,
    read: readAttributionParams,
    write: writeAttributionParams,
  }),
  staking: governed({ set: stakingParams, read: readStakingParams, write: writeStakingParams }),
  gov: governed({ set: govParams, read: readGovParams, write: writeGovParams }),
} as const;

type ModuleName = keyof typeof GOVERNED;
const isModule = (name: string): name is ModuleName => Object.hasOwn(GOVERNED, name);

const DECIMAL = /^(0|[1-9][0-9]*)$/;

/** A value written as the parameter's type expects: a decimal integer, true/false, or a 0x address. */
function parseValue(module: ModuleName, change: ParamChange): ParamValue {
  const p = GOVERNED[module].set.params[change.key]!;
  const kind = paramKind(p);
  const name = `${module}.${change.key}`;
  const wrong = (expected: string) =>
    new GovError(
      'WRONG_VALUE_TYPE',
      `${name} is ${/^[aeiou]/.test(p.type.name) ? 'an' : 'a'} ${p.type.name}: expected ${expected}, got "${change.value}"`,
    );
  if (kind === 'boolean') {
    if (change.value !== 'true' && change.value !== 'false') throw wrong('true or false');
    return change.value === 'true';
  }
  if (kind === 'address') {
    const parsed = parseAddressText(change.value);
    if (!parsed) throw wrong('a 0x-prefixed 20-byte hex address, lower case or EIP-55 checksummed');
    return parsed;
  }
  if (!DECIMAL.test(change.value)) throw wrong('a decimal integer without sign or leading zeros');
  const value = BigInt(change.value);
  if (kind === 'bigint') return value;
  if (value > BigInt(Number.MAX_SAFE_INTEGER))
    throw wrong(`an integer of at most ${Number.MAX_SAFE_INTEGER}`);
  return Number(value);
}

/** Parameters of different modules that must agree (state/crossParams.ts); each broken rule says why it matters. */
function crossModuleProblem(state: StateReader): string | undefined {
  return crossParamsProblem(readParams(state), readStakingParams(state));
}

/**
 * Writes the changes into `state`, or throws GovError with the first reason they cannot apply
 * (having written part of them: callers run it on a scratch overlay or revert).
 */
export function applyParamChanges(state: StateOverlay, changes: readonly ParamChange[]): void {
  if (changes.length === 0)
    throw new GovError('NO_CHANGES', 'a parameter change proposal needs at least one change');
  const byModule = new Map<ModuleName, Record<string, ParamValue>>();
  for (const change of changes) {
    if (!isModule(change.module))
      throw new GovError(
        'UNKNOWN_MODULE',
        `unknown module "${change.module}": governance changes the parameters of ${Object.keys(GOVERNED).join(', ')}`,
      );
    const set = GOVERNED[change.module].set;
    if (!Object.hasOwn(set.params, change.key))
      throw new GovError(
        'UNKNOWN_PARAM',
        `the ${change.module} module has no parameter "${change.key}" (it has ${Object.keys(set.params).join(', ')})`,
      );
    const values = byModule.get(change.module) ?? {};
    if (Object.hasOwn(values, change.key))
      throw new GovError('DUPLICATE_CHANGE', `${change.module}.${change.key} is changed twice`);
    values[change.key] = parseValue(change.module, change);
    byModule.set(change.module, values);
  }
  for (const [module, values] of byModule) {
    const g = GOVERNED[module];
    const next = { ...g.read(state), ...values };
    try {
      g.set.check(next);
    } catch (err) {
      if (!(err instanceof ParamError)) throw err;
      throw new GovError('PARAM_OUT_OF_BOUNDS', err.message);
    }
    g.write(state, next);
  }
  const problem = crossModuleProblem(state);
  if (problem) throw new GovError('UNSAFE_PARAMS', problem);
}
