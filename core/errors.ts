// Typed errors: every error that crosses a layer boundary carries a stable machine-readable `code`
// next to its human message, so RPC, gossip validation and tests can branch on the code.

export class OpenchainError<C extends string = string> extends Error {
  readonly code: C;
  constructor(code: C, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** Bytes that do not decode into the expected structure. */
export class DecodeError extends OpenchainError<'DECODE'> {
  constructor(message: string, options?: ErrorOptions) {
    super('DECODE', message, options);
  }
}
