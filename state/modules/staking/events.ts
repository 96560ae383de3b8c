// The module's events as Ethereum logs from the staking address: topic0 is the keccak256 of the
// event signature, indexed arguments are topics, the rest ABI-encoded data (so viem's
// decodeEventLog and eth_getLogs filters work). ox encodes them: a staking call emits a log or two,
// not the dozens of an inference record, so the attribution module's hand-written encoder is not
// needed here.
import { AbiEvent, AbiParameters } from 'ox';
import { hexToBytes } from '../../../core/bytes.ts';
import type { Log } from '../../../core/receipt.ts';
import type { CallContext } from '../module.ts';
import { STAKING_ADDRESS, stakingAbi } from './abi.ts';
import { GAS } from './gas.ts';

type EventName = AbiEvent.Name<typeof stakingAbi>;
/** The event's arguments by name, as ox decodes them. */
export type EventArgs<N extends EventName> = AbiEvent.decode.ReturnType<
  AbiEvent.FromAbi<typeof stakingAbi, N>
>;

// Looked up once per event: ox's fromAbi hashes every signature of the ABI on each lookup, which
// was a sixth of a delegate call.
const events = new Map<string, AbiEvent.AbiEvent>(
  stakingAbi.filter((item) => item.type === 'event').map((e) => [e.name, AbiEvent.from(e)]),
);

export function encodeLog<N extends EventName>(name: N, args: EventArgs<N>): Log {
  const event = events.get(name)!;
  const values = args as Record<string, unknown>;
  const { topics } = AbiEvent.encode(event, values as never);
  const data = event.inputs.filter((p) => !p.indexed);
  return {
    address: STAKING_ADDRESS,
    topics: topics as readonly `0x${string}`[],
    data: hexToBytes(AbiParameters.encode(data, data.map((p) => values[p.name!]) as never)),
  };
}

/** Charges for and emits one event. */
export function emit<N extends EventName>(ctx: CallContext, name: N, args: EventArgs<N>): void {
  ctx.useGas(GAS.log);
  ctx.emit(encodeLog(name, args));
}
