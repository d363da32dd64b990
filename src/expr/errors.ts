/**
 * Errors of the engine. `TransformCompileError` is thrown by `compileTransform` (bad definition).
 * `EvalFailure` is thrown internally during evaluation and turned into an `{ ok: false }` result
 * at the top; it deliberately does not extend Error (no stack capture on the hot path of
 * `firstValid` with `ignoreErrors`).
 */
export class TransformCompileError extends Error {
  constructor(
    message: string,
    /** Where in the definition, e.g. `attributes.values[2].attributes.input` (empty = the root). */
    readonly path: string,
  ) {
    super(path ? `${path}: ${message}` : message);
    this.name = 'TransformCompileError';
  }

  /** The message without the path prefix. */
  get reason(): string {
    return this.path ? this.message.slice(this.path.length + 2) : this.message;
  }
}

export class EvalFailure {
  constructor(
    readonly message: string,
    public path: string,
    /** Resource-limit failures are fatal: `firstValid` with `ignoreErrors` must not swallow them. */
    readonly fatal = false,
  ) {}
}

/** Throws an evaluation failure at `path`. */
export function fail(message: string, path: string): never {
  throw new EvalFailure(message, path);
}

/** Throws a fatal (limit) evaluation failure at `path`. */
export function failLimit(message: string, path: string): never {
  throw new EvalFailure(message, path, true);
}

/** Throws a compile error at `path`. */
export function compileFail(message: string, path: string): never {
  throw new TransformCompileError(message, path);
}

/** Joins a base path and a child key: `join('attributes', 'input')` → `attributes.input`. */
export function joinPath(base: string, key: string | number): string {
  if (typeof key === 'number') return `${base}[${key}]`;
  return base ? `${base}.${key}` : key;
}
