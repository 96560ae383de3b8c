// A module's events as Ethereum logs from its address: topic0 is the keccak256 of the event
// signature, indexed arguments are topics, the rest ABI-encoded data (so viem's decodeEventLog and
// eth_getLogs filters work). ox encodes them: a staking or governance call emits a log or two, not
// the dozens of an inference record, so the attribution module's hand-written encoder is not needed.
import { type Abi, AbiEvent, AbiParameters } from 'ox';
import type { Address } from '../../core/address.ts';
import { hexToBytes } from '../../core/bytes.ts';
import type { Log } from '../../core/receipt.ts';
import type { CallContext } from './module.ts';

/** An event's arguments by name, as ox decodes them. */
export type EventArgs<A extends Abi.Abi, N extends AbiEvent.Name<A>> = AbiEvent.decode.ReturnType<
  AbiEvent.FromAbi<A, N>
>;

export interface ModuleEvents<A extends Abi.Abi> {
  encodeLog<N extends AbiEvent.Name<A>>(name: N, args: EventArgs<A, N>): Log;
  /** Charges `gas` for, and emits, one event. */
  emit<N extends AbiEvent.Name<A>>(ctx: CallContext, name: N, args: EventArgs<A, N>): void;
}

export function moduleEvents<const A extends Abi.Abi>(
  abi: A,
  address: Address,
  gas: bigint,
): ModuleEvents<A> {
  // Looked up once per event: ox's fromAbi hashes every signature of the ABI on each lookup, which
  // was a sixth of a delegate call.
  const events = new Map<string, AbiEvent.AbiEvent>(
    abi.filter((item) => item.type === 'event').map((e) => [e.name, AbiEvent.from(e)]),
  );
  const encodeLog = (name: string, args: unknown): Log => {
    const event = events.get(name)!;
    const values = args as Record<string, unknown>;
    const { topics } = AbiEvent.encode(event, values as never);
    const data = event.inputs.filter((p) => !p.indexed);
    return {
      address,
      topics: topics as readonly `0x${string}`[],
      data: hexToBytes(AbiParameters.encode(data, data.map((p) => values[p.name!]) as never)),
    };
  };
  return {
    encodeLog,
    emit(ctx, name, args) {
      ctx.useGas(gas);
      ctx.emit(encodeLog(name, args));
    },
  };
}
