// Method registry: a namespace module declares each method with its positional parameter schema
// (a zod tuple) next to its handler, so validation and the handler's argument types cannot drift.
import { z } from 'zod';
import type { RequestContext } from './context.ts';
import { ErrorCode, RpcError } from './errors.ts';
import type { JsonValue } from './jsonrpc.ts';
import { parserOf } from './params.ts';

export type Handler<P> = (params: P, ctx: RequestContext) => JsonValue | Promise<JsonValue>;

/** A method with its validation bound in; what the dispatcher calls. */
export interface RpcMethod {
  call(params: readonly unknown[], ctx: RequestContext): Promise<JsonValue>;
}

/** One namespace (`eth`, `net`, `web3`, `open`): every method name starts with `<namespace>_`. */
export interface RpcModule {
  readonly namespace: string;
  readonly methods: Readonly<Record<string, RpcMethod>>;
}

type Issue = z.ZodError['issues'][number];

function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((key, i) => (typeof key === 'number' ? `[${key}]` : i === 0 ? String(key) : `.${String(key)}`))
    .join('');
}

/** geth's wording, so messages match what tools already show for other nodes. */
function describeIssue(issue: Issue, given: number): string {
  const [index, ...rest] = issue.path;
  if (index === undefined) {
    if (issue.code === 'too_big') return `too many arguments, want at most ${String(issue.maximum)}`;
    if (issue.code === 'too_small') return `missing value for required argument ${given}`;
    return issue.message;
  }
  const where = rest.length > 0 ? `${formatPath(rest)}: ` : '';
  return `invalid argument ${String(index)}: ${where}${issue.message}`;
}

/**
 * Declares a method. Optional parameters are trailing `.optional()` tuple elements; trailing nulls
 * count as omitted, as in geth, because some clients send `null` for "use the default".
 */
export function method<S extends z.ZodTuple>(params: S, handler: Handler<z.output<S>>): RpcMethod {
  const direct = directParse(params);
  return {
    async call(raw, ctx) {
      let end = raw.length;
      while (end > 0 && raw[end - 1] === null) end--;
      const args = end === raw.length ? raw : raw.slice(0, end);
      const values = direct?.(args);
      if (values) return handler(values as z.output<S>, ctx);
      const parsed = params.safeParse(args);
      if (!parsed.success)
        throw new RpcError(ErrorCode.InvalidParams, describeIssue(parsed.error.issues[0]!, end));
      return handler(parsed.data, ctx);
    },
  };
}

/**
 * For a tuple of `param` schemas (each optionally `.optional()`), a parser that returns what the
 * tuple's parse returns for arguments that pass, without zod's per-call machinery (about 1.5 µs a
 * call, most of what checking eth_sendRawTransaction's one argument cost), and undefined for
 * anything else, so that zod words every rejection. Undefined for other tuples.
 */
function directParse(tuple: z.ZodTuple): ((args: readonly unknown[]) => unknown[] | undefined) | undefined {
  const { items, rest } = tuple.def;
  if (rest) return undefined;
  const slots: { parse: (value: unknown) => unknown; optional: boolean }[] = [];
  for (const item of items as readonly z.ZodType[]) {
    const optional = item instanceof z.ZodOptional;
    const parse = parserOf(optional ? (item.unwrap() as z.ZodType) : item);
    if (!parse) return undefined;
    slots.push({ parse, optional });
  }
  let required = slots.length;
  while (required > 0 && slots[required - 1]!.optional) required--;
  return (args) => {
    if (args.length < required || args.length > slots.length) return undefined;
    const out = new Array<unknown>(args.length);
    try {
      for (let i = 0; i < args.length; i++) out[i] = slots[i]!.parse(args[i]);
    } catch (err) {
      if (err instanceof RangeError) return undefined;
      throw err;
    }
    return out;
  };
}

export class Registry {
  readonly #methods = new Map<string, RpcMethod>();
  readonly #namespaces: string[] = [];

  constructor(modules: readonly RpcModule[] = []) {
    this.register({
      namespace: 'rpc',
      methods: {
        // Same shape as geth: { namespace: version }.
        rpc_modules: method(z.tuple([]), () => Object.fromEntries(this.#namespaces.map((ns) => [ns, '1.0']))),
      },
    });
    for (const module of modules) this.register(module);
  }

  /** Adds a namespace; throws on a duplicate namespace or a method name outside it (programming errors). */
  register(module: RpcModule): void {
    const { namespace, methods } = module;
    if (this.#namespaces.includes(namespace))
      throw new Error(`rpc namespace ${namespace} is already registered`);
    const entries = Object.entries(methods);
    for (const [name] of entries)
      if (!name.startsWith(`${namespace}_`))
        throw new Error(`rpc method ${name} is outside namespace ${namespace}`);
    for (const [name, rpcMethod] of entries) this.#methods.set(name, rpcMethod);
    this.#namespaces.push(namespace);
  }

  lookup(name: string): RpcMethod | undefined {
    return this.#methods.get(name);
  }
}
