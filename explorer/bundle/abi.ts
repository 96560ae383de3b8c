// The explorer's ABI codec: the modules' own ABIs (state/modules/*/abi.ts) with ox, the library the
// node encodes them with, so the page decodes calls, logs and view results exactly as the node
// encodes them. esbuild bundles this file into explorer/abi.js (build.ts), which the page imports.
import { type Abi, AbiEvent, AbiFunction, AbiParameters, Hex } from 'ox';
import { ATTRIBUTION_ADDRESS, attributionAbi } from '../../state/modules/attribution/abi.ts';
import { GOV_ADDRESS, govAbi } from '../../state/modules/gov/abi.ts';
import { STAKING_ADDRESS, stakingAbi } from '../../state/modules/staking/abi.ts';

export { ATTRIBUTION_ADDRESS, STAKING_ADDRESS };

/** A decoded call or log: its ABI item's name and parameters, and the arguments by name (null if they do not decode). */
export interface Decoded {
  readonly name: string;
  readonly inputs: AbiParameters.AbiParameters;
  readonly args: Record<string, unknown> | null;
  readonly error?: string;
}

const MODULES: ReadonlyMap<string, Abi.Abi> = new Map<string, Abi.Abi>([
  [ATTRIBUTION_ADDRESS, attributionAbi],
  [STAKING_ADDRESS, stakingAbi],
  [GOV_ADDRESS, govAbi],
]);

const message = (err: unknown) => String((err as Error)?.message ?? err).split('\n')[0]!;

/** A transaction's input to a module (by its `to`): the function and its arguments, or null if none. */
export function decodeCall(to: string | null | undefined, input: string): Decoded | null {
  const abi = MODULES.get(String(to).toLowerCase());
  if (!abi || typeof input !== 'string' || input.length < 10) return null;
  let fn: AbiFunction.AbiFunction;
  try {
    fn = AbiFunction.fromAbi(abi, input.slice(0, 10) as Hex.Hex);
  } catch {
    return null;
  }
  try {
    const args = AbiParameters.decode(fn.inputs, Hex.slice(input as Hex.Hex, 4), {
      as: 'Object',
      checksumAddress: false,
    });
    return { name: fn.name, inputs: fn.inputs, args: args as Record<string, unknown> };
  } catch (err) {
    return { name: fn.name, inputs: fn.inputs, args: null, error: message(err) };
  }
}

/** A module's log: the event and its arguments (indexed ones from the topics), or null if unknown. */
export function decodeLog(log: { address: string; topics: readonly string[]; data: string }): Decoded | null {
  const abi = MODULES.get(String(log.address).toLowerCase());
  const topic = log.topics?.[0];
  if (!abi || !topic) return null;
  let event: AbiEvent.AbiEvent;
  try {
    event = AbiEvent.fromAbi(abi, topic as Hex.Hex);
  } catch {
    return null;
  }
  try {
    const args = AbiEvent.decode(
      event,
      { topics: log.topics as [Hex.Hex], data: log.data as Hex.Hex },
      { checksumAddress: false },
    );
    return { name: event.name, inputs: event.inputs, args: args as Record<string, unknown> };
  } catch (err) {
    return { name: event.name, inputs: event.inputs, args: null, error: message(err) };
  }
}

/** Calldata for an attribution module function. */
export function encodeCall(name: string, args: readonly unknown[] = []): Hex.Hex {
  return AbiFunction.encodeData(AbiFunction.fromAbi(attributionAbi, name as never), args as never);
}

/** An attribution view's result: one unnamed output as itself, several as an object by name. */
export function decodeResult(name: string, data: string): unknown {
  const { outputs } = AbiFunction.fromAbi(attributionAbi, name as never) as AbiFunction.AbiFunction;
  const options = { checksumAddress: false } as const;
  if (outputs.length === 1 && !outputs[0]!.name)
    return AbiParameters.decode(outputs, data as Hex.Hex, options)[0];
  return AbiParameters.decode(outputs, data as Hex.Hex, { ...options, as: 'Object' });
}

/** An attribution event's topic0, by name. */
export function eventTopic(name: string): Hex.Hex {
  return AbiEvent.getSelector(AbiEvent.fromAbi(attributionAbi, name as never));
}
