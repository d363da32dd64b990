import pg from 'pg';

/**
 * pg's client as both databases use it (PostgreSQL directly, PGlite through its protocol adapter):
 * the same type parsing, and named prepared statements for the texts `prepared` marks.
 */

// int8 (count(*), bigserial) arrives as a string from pg; our counts fit in a double.
pg.types.setTypeParser(20, (v) => Number(v));

/** SQL text → statement name, for the hot statements that run as named prepared statements. */
const preparedNames = new Map<string, string>();

/**
 * Marks a constant SQL text as a named prepared statement: on PostgreSQL each connection parses
 * and plans it once, later runs only bind and execute. Only for constant texts (a handful, so
 * the statements each connection keeps stay few); run them with `CompiledQuery.raw(text, values)`.
 * PGlite too (its pool is pg's, see pglite.ts).
 */
export function prepared(name: string, text: string): string {
  const known = preparedNames.get(text);
  if (known !== undefined && known !== name) throw new Error(`SQL already prepared as '${known}'`);
  preparedNames.set(text, name);
  return text;
}

/** pg's Client, running the texts registered with `prepared` by name (Kysely passes plain text). */
export class PreparingClient extends pg.Client {
  // one signature for pg's overloads: only (text, values) as Kysely sends them is rewritten
  override query(text: unknown, ...rest: unknown[]) {
    const name = typeof text === 'string' ? preparedNames.get(text) : undefined;
    // @ts-expect-error -- forwarded as received
    return name === undefined ? super.query(text, ...rest) : super.query({ name, text, values: rest[0] }, ...rest.slice(1));
  }
}
