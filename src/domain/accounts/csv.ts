import { parse } from 'csv-parse';
import type { Readable } from 'node:stream';

export interface CsvRow {
  line: number;
  values: Record<string, string>;
}
export interface CsvRejection {
  line: number;
  reason: string;
}

/**
 * Streams a delimited file with a header row: yields one row at a time (so a million-row file is
 * never held in memory) and reports malformed rows as rejections instead of stopping.
 * Empty values are left out of a row (an attribute without a value is absent, as ISC shows it).
 */
export async function* readCsv(input: Readable, onHeader: (columns: string[]) => void): AsyncGenerator<CsvRow | CsvRejection> {
  const skipped: CsvRejection[] = [];
  const parser = input.pipe(
    parse({
      bom: true,
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
      skip_records_with_error: true,
      on_skip: (err) => {
        if (err) skipped.push({ line: (err as { lines?: number }).lines ?? 0, reason: err.message });
      },
    }),
  );
  let header: string[] | undefined;
  for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
    yield* skipped.splice(0);
    if (!header) {
      header = record.map((c) => c.trim());
      onHeader(header);
      continue;
    }
    if (record.length !== header.length) {
      yield { line: info.lines, reason: `expected ${header.length} columns, found ${record.length}` };
      continue;
    }
    const values: Record<string, string> = {};
    header.forEach((column, i) => {
      if (record[i] !== '') values[column] = record[i];
    });
    yield { line: info.lines, values };
  }
  yield* skipped.splice(0);
  if (!header) onHeader([]);
}

export const isRejection = (r: CsvRow | CsvRejection): r is CsvRejection => 'reason' in r;
