// Routes a native module's calldata to its handlers by 4-byte selector, for the transactions and
// views of one ABI, and answers the failures every module answers alike: no selector, an unknown
// one, a view sent as a transaction (and the reverse), arguments that do not decode.
import { type Abi, AbiFunction } from 'ox';
import { bytesToHex, hexToBytes } from '../../core/bytes.ts';
import type { StateReader } from '../stateDb.ts';
import { AbiDecodeError, type DecodedArgs, decodeArgs } from './attribution/calldata.ts';
import type { ModuleError } from './module.ts';

/** The failures every module's router answers alike (each module lists them among its codes). */
export type RouterErrorCode = 'BAD_CALLDATA' | 'UNKNOWN_FUNCTION' | 'NOT_A_TRANSACTION' | 'NOT_A_VIEW';

/** The module's own error class, so its codes stay its own. */
type Fail = (code: RouterErrorCode, message: string) => ModuleError;

/** The names of an ABI's view functions. */
export type ViewName<A extends Abi.Abi> = {
  [N in AbiFunction.Name<A>]: AbiFunction.FromAbi<A, N>['stateMutability'] extends 'view' ? N : never;
}[AbiFunction.Name<A>];

/** What view N returns, as ox decodes it. */
export type ViewResult<A extends Abi.Abi, N extends ViewName<A>> = AbiFunction.decodeResult.ReturnType<
  AbiFunction.FromAbi<A, N>
>;

/** A module's views: each answers from its decoded arguments. */
export type ViewHandlersOf<A extends Abi.Abi> = {
  [N in ViewName<A>]: (state: StateReader, args: DecodedArgs<AbiFunction.FromAbi<A, N>>) => ViewResult<A, N>;
};

interface Route<R> {
  readonly fn: AbiFunction.AbiFunction;
  readonly run: R;
}

export interface AbiRouterOptions<Call> {
  readonly abi: Abi.Abi;
  /** Names used in messages: the Solidity interface and the module. */
  readonly interfaceName: string;
  readonly moduleName: string;
  readonly fail: Fail;
  /** By function name; each gets the arguments decoded as a tuple. */
  readonly transactions: Record<string, (call: Call, args: never) => void>;
  readonly views: Record<string, (state: StateReader, args: never) => unknown>;
}

export class AbiRouter<Call> {
  readonly #tx = new Map<string, Route<(call: Call, data: Uint8Array) => void>>();
  readonly #views = new Map<string, Route<(state: StateReader, data: Uint8Array) => Uint8Array>>();
  readonly #opts: AbiRouterOptions<Call>;

  constructor(opts: AbiRouterOptions<Call>) {
    this.#opts = opts;
    for (const [name, handler] of Object.entries(opts.transactions)) {
      const fn = AbiFunction.fromAbi(opts.abi, name);
      const run = handler as (call: Call, args: unknown) => void;
      this.#tx.set(AbiFunction.getSelector(fn), {
        fn,
        run: (call, data) => run(call, this.#decode(fn, data)),
      });
    }
    for (const [name, handler] of Object.entries(opts.views)) {
      const fn = AbiFunction.fromAbi(opts.abi, name);
      const run = handler as (state: StateReader, args: unknown) => unknown;
      this.#views.set(AbiFunction.getSelector(fn), {
        fn,
        run: (state, data) =>
          hexToBytes(AbiFunction.encodeResult(fn, run(state, this.#decode(fn, data)) as never)),
      });
    }
  }

  /** The transaction `data` calls, ready to run; refused before any work if it is not one. */
  transaction(data: Uint8Array): (call: Call) => void {
    const selector = this.#selectorOf(data);
    const route = this.#tx.get(selector);
    if (route) return (call) => route.run(call, data);
    const view = this.#views.get(selector);
    if (view) throw this.#opts.fail('NOT_A_TRANSACTION', `${view.fn.name} is a view: read it with eth_call`);
    throw this.#unknown(selector);
  }

  /** The view `data` calls, ready to run; refused before any work if it is not one. */
  view(data: Uint8Array): (state: StateReader) => Uint8Array {
    const selector = this.#selectorOf(data);
    const route = this.#views.get(selector);
    if (route) return (state) => route.run(state, data);
    const tx = this.#tx.get(selector);
    if (tx) throw this.#opts.fail('NOT_A_VIEW', `${tx.fn.name} changes state: send it as a transaction`);
    throw this.#unknown(selector);
  }

  #decode(fn: AbiFunction.AbiFunction, data: Uint8Array): unknown {
    try {
      return decodeArgs(fn, data);
    } catch (err) {
      if (!(err instanceof AbiDecodeError)) throw err;
      throw this.#opts.fail('BAD_CALLDATA', `cannot decode calldata of ${fn.name}: ${err.message}`);
    }
  }

  #selectorOf(data: Uint8Array): string {
    if (data.length < 4) {
      throw this.#opts.fail(
        'BAD_CALLDATA',
        `calldata must start with a 4-byte function selector of ${this.#opts.interfaceName}`,
      );
    }
    return bytesToHex(data.subarray(0, 4));
  }

  #unknown(selector: string): ModuleError {
    return this.#opts.fail(
      'UNKNOWN_FUNCTION',
      `unknown function selector ${selector} for the ${this.#opts.moduleName} module`,
    );
  }
}
