// The selector router every native module shares (state/modules/abiRouter.ts), on a two-function
// ABI: a caller reaches exactly the handler its selector names with the arguments it encoded, and
// every other calldata (too short, unknown, a view sent as a transaction or the reverse, arguments
// that do not decode) is refused with the module's own error class and a stable code, before any
// handler runs.
import { Abi, AbiFunction } from 'ox';
import { describe, expect, it } from 'vitest';
import { bytesToHex, hexToBytes } from '../../../core/bytes.ts';
import { AbiRouter } from '../../../state/modules/abiRouter.ts';
import { ModuleError } from '../../../state/modules/module.ts';
import type { StateReader } from '../../../state/stateDb.ts';

class TestModuleError extends ModuleError {}

const abi = Abi.from([
  'function store(uint64 key, address owner) external',
  'function lookup(uint64 key) external view returns (uint64 doubled, bool found)',
]);
const store = AbiFunction.fromAbi(abi, 'store');
const lookup = AbiFunction.fromAbi(abi, 'lookup');
const OWNER = '0x00000000000000000000000000000000000000a0';
const state: StateReader = { get: () => undefined };

/** A router whose handlers record what they were called with (or whose `store` is the one given). */
function router(store?: () => void) {
  const calls: unknown[][] = [];
  const r = new AbiRouter<string>({
    abi,
    interfaceName: 'ITest',
    moduleName: 'test',
    fail: (code, message) => new TestModuleError(code, message),
    transactions: {
      store:
        store ??
        ((call: string, args: readonly [bigint, string]) => {
          calls.push([call, ...args]);
        }),
    },
    views: {
      lookup: (s: StateReader, [key]: readonly [bigint]) => {
        calls.push([s, key]);
        return [key * 2n, true];
      },
    },
  });
  return { r, calls };
}

/** The error `run` throws, which must be the module's own. */
function refusal(run: () => unknown): { code: string; message: string } {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(TestModuleError);
    return err as TestModuleError;
  }
  throw new Error('expected a refusal, nothing was thrown');
}

describe('AbiRouter', () => {
  it('runs the transaction its selector names with the decoded arguments', () => {
    const { r, calls } = router();
    const data = hexToBytes(AbiFunction.encodeData(store, [7n, OWNER]));
    const run = r.transaction(data);
    expect(calls).toEqual([]); // nothing runs before the call is handed over
    run('the call');
    expect(calls).toEqual([['the call', 7n, OWNER]]);
  });

  it('answers a view with its ABI-encoded result', () => {
    const { r, calls } = router();
    const out = r.view(hexToBytes(AbiFunction.encodeData(lookup, [21n])))(state);
    expect(AbiFunction.decodeResult(lookup, bytesToHex(out))).toEqual([42n, true]);
    expect(calls).toEqual([[state, 21n]]);
  });

  it('refuses calldata shorter than a selector, on both paths', () => {
    const { r, calls } = router();
    for (const data of [new Uint8Array(0), Uint8Array.of(1, 2, 3)]) {
      for (const refused of [refusal(() => r.transaction(data)), refusal(() => r.view(data))]) {
        expect(refused.code).toBe('BAD_CALLDATA');
        expect(refused.message).toBe('calldata must start with a 4-byte function selector of ITest');
      }
    }
    expect(calls).toEqual([]);
  });

  it('refuses an unknown selector, on both paths, naming it and the module', () => {
    const { r } = router();
    const data = Uint8Array.of(0xde, 0xad, 0xbe, 0xef);
    for (const refused of [refusal(() => r.transaction(data)), refusal(() => r.view(data))]) {
      expect(refused.code).toBe('UNKNOWN_FUNCTION');
      expect(refused.message).toBe('unknown function selector 0xdeadbeef for the test module');
    }
  });

  it('refuses a view sent as a transaction and a transaction read as a view', () => {
    const { r, calls } = router();
    const asTx = refusal(() => r.transaction(hexToBytes(AbiFunction.encodeData(lookup, [1n]))));
    expect(asTx).toMatchObject({
      code: 'NOT_A_TRANSACTION',
      message: 'lookup is a view: read it with eth_call',
    });
    const asView = refusal(() => r.view(hexToBytes(AbiFunction.encodeData(store, [1n, OWNER]))));
    expect(asView).toMatchObject({
      code: 'NOT_A_VIEW',
      message: 'store changes state: send it as a transaction',
    });
    expect(calls).toEqual([]);
  });

  it('refuses arguments that do not decode, naming the function, and runs no handler', () => {
    const { r, calls } = router();
    const full = hexToBytes(AbiFunction.encodeData(store, [7n, OWNER]));
    const short = refusal(() => r.transaction(full.subarray(0, 20))('the call'));
    expect(short.code).toBe('BAD_CALLDATA');
    expect(short.message).toMatch(/^cannot decode calldata of store: /);
    const key = hexToBytes(AbiFunction.encodeData(lookup, [1n]));
    key[4] = 1; // a uint64 argument with a bit set above its 64 bits
    const wide = refusal(() => r.view(key)(state));
    expect(wide.code).toBe('BAD_CALLDATA');
    expect(wide.message).toMatch(/^cannot decode calldata of lookup: /);
    expect(calls).toEqual([]);
  });

  it('lets a bug in a handler through rather than calling it bad calldata', () => {
    const bug = new Error('a bug');
    const { r } = router(() => {
      throw bug;
    });
    const data = hexToBytes(AbiFunction.encodeData(store, [7n, OWNER]));
    expect(() => r.transaction(data)('the call')).toThrow(bug);
  });
});
