import fc from 'fast-check';
import { AbiEvent, AbiParameters } from 'ox';
import { decodeEventLog } from 'viem';
import { describe, expect, it } from 'vitest';
import { bytesToHex } from '../../../../core/bytes.ts';
import { ATTRIBUTION_ADDRESS, attributionAbi } from '../../../../state/modules/attribution/abi.ts';
import { encodeLog } from '../../../../state/modules/attribution/events.ts';

type Param = AbiParameters.Parameter;

/** Random values of an ABI parameter, in the form ox takes them. */
function arbitrary(p: Param): fc.Arbitrary<unknown> {
  if (p.type.endsWith('[]'))
    return fc.array(arbitrary({ ...p, type: p.type.slice(0, -2) } as Param), { maxLength: 5 });
  if (p.type === 'tuple') {
    const components = 'components' in p ? p.components : [];
    return fc
      .tuple(...components.map(arbitrary))
      .map((values) => Object.fromEntries(components.map((c, i) => [c.name!, values[i]])));
  }
  if (p.type === 'address') return fc.uint8Array({ minLength: 20, maxLength: 20 }).map(bytesToHex);
  if (p.type === 'bytes32') return fc.uint8Array({ minLength: 32, maxLength: 32 }).map(bytesToHex);
  if (p.type === 'string') return fc.string({ unit: 'grapheme', maxLength: 70 });
  if (p.type === 'bool') return fc.boolean();
  const bits = Number(p.type.slice(4));
  return fc.bigInt({ min: 0n, max: 2n ** BigInt(bits) - 1n }).map((n) => (bits <= 48 ? Number(n) : n));
}

const events = attributionAbi.filter((item) => item.type === 'event');

describe('event encoding', () => {
  it.each(events.map((e) => [e.name, e] as const))(
    '%s encodes as ox does and decodes with viem',
    (_name, event) => {
      fc.assert(
        fc.property(fc.tuple(...event.inputs.map(arbitrary)), (values) => {
          const args = Object.fromEntries(event.inputs.map((p, i) => [p.name, values[i]]));
          const log = encodeLog(event.name, args as never);
          const nonIndexed = event.inputs.filter((p) => !('indexed' in p && p.indexed));
          expect(log.address).toBe(ATTRIBUTION_ADDRESS);
          expect(log.topics).toEqual(AbiEvent.encode(event, args as never).topics);
          expect(bytesToHex(log.data)).toBe(
            AbiParameters.encode(nonIndexed, nonIndexed.map((p) => args[p.name!]) as never),
          );
          const decoded = decodeEventLog({
            abi: attributionAbi,
            data: bytesToHex(log.data),
            topics: log.topics as [`0x${string}`],
          });
          expect(decoded.eventName).toBe(event.name);
        }),
        { numRuns: 40 },
      );
    },
  );
});
