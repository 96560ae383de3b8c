// Method registry: a namespace module declares each method with its positional parameter schema
// (a zod tuple) next to its handler, so validation and the handler's argument types cannot drift.
import { z } from 'zod';
import type { RequestContext } from './context.ts';
import { ErrorCode, RpcError } from './errors.ts';
import type { JsonValue } from './jsonrpc.ts';

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
  return {
    async call(raw, ctx) {
      let end = raw.length;
      while (end > 0 && raw[end - 1] === null) end--;
      const args = end === raw.length ? raw : raw.slice(0, end);
      const parsed = params.safeParse(args);
      if (!parsed.success)
        throw new RpcError(ErrorCode.InvalidParams, describeIssue(parsed.error.issues[0]!, end));
      return handler(parsed.data, ctx);
    },
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
