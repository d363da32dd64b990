import { createHash } from 'node:crypto';
import pg from 'pg';

/**
 * pg's client as both databases use it (PostgreSQL directly, PGlite through its protocol adapter):
 * the same type parsing, and named prepared statements for the texts `prepared` marks. Nothing
 * here is global: each client carries its type parsers and the statements its session holds.
 */

/** int8 (count(*), bigserial) arrives as a string from pg; our counts fit in a double. */
const TYPES: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === pg.types.builtins.INT8 && format !== 'binary'
      ? Number
      : pg.types.getTypeParser(oid, format)) as pg.CustomTypesConfig['getTypeParser'],
};

/**
 * The statements one session keeps prepared at most; the one least recently run is deallocated
 * to make room. Each holds a parse tree and a cached plan in the server's memory, and a list's
 * statement text depends on the shape of its filter and sorters (query/to-kysely.ts), of which
 * clients can make any number.
 */
export const MAX_PREPARED_PER_SESSION = 100;

const MARK = '/* prepared ';
const NAME = /^[a-z_][a-z0-9_]*$/;

/**
 * Marks SQL text to run as the named prepared statement `name`: on each connection it is parsed
 * and planned once, later runs only bind and execute (PGlite too: its pool is pg's, pglite.ts).
 * The mark is a comment the text starts with, because Kysely hands a connection nothing but text
 * and values; run such text with `CompiledQuery.raw(text, values)` or `preparedQuery`. One name,
 * one text: pg refuses a name it has prepared for another text.
 */
export function prepared(name: string, text: string): string {
  if (!NAME.test(name)) throw new Error(`Bad prepared statement name '${name}'`);
  return `${MARK}${name} */ ${text}`;
}

/** `prepared` for text generated per query shape: the name is `prefix` and a hash of the text. */
export function preparedShape(prefix: string, text: string): string {
  return prepared(`${prefix}_${createHash('sha1').update(text).digest('hex').slice(0, 16)}`, text);
}

/** The statement name a text marked by `prepared` carries, if any. */
function preparedName(text: string): string | undefined {
  if (!text.startsWith(MARK)) return undefined;
  const end = text.indexOf(' */', MARK.length);
  return end < 0 ? undefined : text.slice(MARK.length, end);
}

/** pg's Client with our type parsing, running the texts marked by `prepared` as named statements. */
export class PreparingClient extends pg.Client {
  /** Names this session has prepared, least recently run first. */
  readonly #prepared = new Set<string>();

  constructor(config?: string | pg.ClientConfig) {
    super({ ...(typeof config === 'string' ? { connectionString: config } : config), types: TYPES });
  }

  // one signature for pg's overloads: only (text, values) as Kysely sends them is rewritten
  override query(text: unknown, ...rest: unknown[]) {
    const name = typeof text === 'string' ? preparedName(text) : undefined;
    // @ts-expect-error -- forwarded as received
    if (name === undefined || !this.#keep(name)) return super.query(text, ...rest);
    // @ts-expect-error -- pg's overloads
    return super.query({ name, text, values: rest[0] }, ...rest.slice(1));
  }

  /** Whether `name` runs prepared: known, or room made for it (see MAX_PREPARED_PER_SESSION). */
  #keep(name: string): boolean {
    const known = this.#prepared.delete(name);
    if (!known && this.#prepared.size >= MAX_PREPARED_PER_SESSION) {
      // DEALLOCATE fails in an aborted transaction, and a statement still queued may abort one:
      // only between statements and outside a failed transaction; otherwise this one runs unnamed
      const between = (this as unknown as { readyForQuery: boolean }).readyForQuery;
      if (!between || this.getTransactionStatus() === 'E') return false;
      const oldest = this.#prepared.values().next().value!;
      this.#prepared.delete(oldest);
      delete (this as unknown as { connection: { parsedStatements: Record<string, string> } }).connection
        .parsedStatements[oldest];
      super.query(`deallocate ${oldest}`).catch(() => {
        /* the session is gone: so is the statement */
      });
    }
    this.#prepared.add(name);
    return true;
  }
}
