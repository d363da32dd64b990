import type { PGlite } from '@electric-sql/pglite';

/**
 * Makes one embedded PGlite instance look like a `pg` Pool to Kysely's PostgresDialect and to
 * pg-boss. PGlite is a single connection, so a connection is an exclusive lease: a transaction
 * keeps the lease from BEGIN to COMMIT and everybody else waits in line (FIFO).
 */
export class PGlitePool {
  private queue: Array<() => void> = [];
  private leased = false;

  constructor(readonly pglite: PGlite) {}

  async connect(): Promise<PGliteClient> {
    if (this.leased) await new Promise<void>((resolve) => this.queue.push(resolve));
    this.leased = true;
    return new PGliteClient(this.pglite, () => this.release());
  }

  /** Runs one statement on a short lease (pg-boss's `executeSql`). */
  async query(text: string, values: unknown[] = []): Promise<QueryResult> {
    const client = await this.connect();
    try {
      return await client.query(text, values);
    } finally {
      client.release();
    }
  }

  async end(): Promise<void> {
    /* the owner closes the PGlite instance */
  }

  private release(): void {
    const next = this.queue.shift();
    if (next) next();
    else this.leased = false;
  }
}

export interface QueryResult {
  rows: any[];
  rowCount: number;
  command: string;
}

class PGliteClient {
  private released = false;
  constructor(private readonly pglite: PGlite, private readonly onRelease: () => void) {}

  async query(text: string | { text: string; values?: unknown[] }, values: unknown[] = []): Promise<QueryResult> {
    const sql = typeof text === 'string' ? text : text.text;
    const params = typeof text === 'string' ? values : (text.values ?? []);
    if (params.length === 0 && hasSeveralStatements(sql)) {
      // pg-boss sends multi-statement scripts (schema creation) without parameters.
      const results = await this.pglite.exec(sql);
      const last = results[results.length - 1];
      return { rows: last?.rows ?? [], rowCount: last?.affectedRows ?? 0, command: '' };
    }
    const result = await this.pglite.query(sql, params as any[]);
    const rows = result.rows as any[];
    return { rows, rowCount: result.affectedRows ?? rows.length, command: commandOf(sql) };
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    this.onRelease();
  }
}

const hasSeveralStatements = (sql: string) => /;\s*\S/.test(sql.trim().replace(/;\s*$/, ''));
const commandOf = (sql: string) => (/^\s*(\w+)/.exec(sql)?.[1] ?? '').toUpperCase();
