import { parse, type CsvError, type Options } from 'csv-parse';
import { pipeline, type Readable } from 'node:stream';
import { AppError, isAppError } from '../../errors.js';

export interface CsvRow {
  line: number;
  values: Record<string, string>;
  /** Characters in the row's values: what holding it costs, for whoever batches rows. */
  chars: number;
}
export interface CsvRejection {
  line: number;
  reason: string;
}

/**
 * How long a row and a value may be, in characters. They bound what one row costs in memory while
 * it is parsed and staged, whatever the file holds.
 */
export interface CsvLimits {
  /**
   * A row longer than this is not one the parser could find the end of within reason — most often
   * a quote opened and never closed, which makes the rest of the file one value — so the file is
   * refused (400 naming the line): loading the rows around it as a full aggregation would remove
   * every account the swallowed part names.
   */
  maxRecordChars: number;
  /** A value longer than this rejects its row (the row's end was found, so the rest of the file is sound). */
  maxFieldChars: number;
  /** A header naming more columns refuses the file (a row limit's worth of one-letter columns is 500,000 of them). */
  maxColumns: number;
}

export const CSV_LIMITS: Readonly<CsvLimits> = Object.freeze({
  maxRecordChars: 1024 * 1024,
  maxFieldChars: 256 * 1024,
  maxColumns: 2000,
});

/**
 * Streams a delimited file with a header row: yields the rows a batch at a time — what the parser
 * has ready, one promise per batch rather than per row (recordBatches) — so a million-row file is
 * never held in memory, and reports malformed rows as rejections instead of stopping.
 * Empty values are left out of a row (an attribute without a value is absent, as ISC shows it).
 * Throws a 400 AppError for a row over `maxRecordChars`, and whatever error `input` fails with
 * (e.g. the upload's size limit): the file is then read no further.
 */
export async function* readCsvBatches(
  input: Readable,
  onHeader: (columns: string[]) => void,
  limits: CsvLimits = CSV_LIMITS,
): AsyncGenerator<Array<CsvRow | CsvRejection>> {
  const skipped: CsvRejection[] = [];
  /** The line the last row the parser finished (read or skipped) ended on: the next row starts after it. */
  let lastLine = 0;
  const options: Options<[string[], number], string[]> = {
    bom: true,
    relax_column_count: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    max_record_size: limits.maxRecordChars,
    // the parser runs ahead of the loop below, so it notes where rows end itself; each row goes
    // out with the line it ended on (not with `info: true`, which builds a second copy of the
    // parser's state for every row: a third of the parsing time)
    on_record: (record, context) => {
      lastLine = context.lines;
      return [record, context.lines];
    },
    on_skip: (err) => {
      if (!err) return;
      // thrown here, csv-parse fails the stream with it instead of skipping
      if ((err as CsvError).code === 'CSV_MAX_RECORD_SIZE') throw tooLong(lastLine + 1, limits.maxRecordChars);
      lastLine = (err as { lines?: number }).lines ?? lastLine;
      skipped.push({ line: lastLine, reason: err.message });
    },
  };
  // (csv-parse's types know no on_record that changes what a row is)
  const parser = parse(options as unknown as Options);
  // not `pipe`, which would leave the parser waiting forever when the upload fails (size limit,
  // cut-off) — also when it failed before we got here; the error reaches the loop through the parser
  pipeline(input, parser, () => {});
  let header: string[] | undefined;
  try {
    for await (const records of recordBatches(parser as unknown as Readable)) {
      const out: Array<CsvRow | CsvRejection> = [];
      for (const [record, line] of records) {
        out.push(...skipped.splice(0));
        if (!header) {
          if (record.length > limits.maxColumns) {
            throw new AppError(
              'invalid_csv',
              `The header names ${record.length} columns; a file may have at most ${limits.maxColumns}. Nothing was loaded.`,
            );
          }
          header = record.map((c) => c.trim());
          onHeader(header);
          continue;
        }
        if (record.length !== header.length) {
          out.push({ line, reason: `expected ${header.length} columns, found ${record.length}` });
          continue;
        }
        const long = record.findIndex((v) => v.length > limits.maxFieldChars);
        if (long >= 0) {
          out.push({
            line,
            reason: `the value in column '${header[long]}' is longer than ${limits.maxFieldChars} characters`,
          });
          continue;
        }
        const values: Record<string, string> = {};
        let chars = 0;
        for (let i = 0; i < header.length; i++) {
          if (record[i] !== '') values[header[i]] = record[i];
          chars += record[i].length;
        }
        out.push({ line, values, chars });
      }
      if (out.length) yield out;
    }
  } catch (e) {
    throw isAppError(e)
      ? e
      : cutOff(e)
        ? new AppError(
            'upload_incomplete',
            'The upload ended before the end of the file (the connection was closed); nothing was loaded. Send the file again.',
          )
        : e;
  } finally {
    // stopped early (a refusal, the consumer gave up): read no further (the pipeline stops the input too)
    parser.destroy();
  }
  const rest = skipped.splice(0);
  if (rest.length) yield rest;
  if (!header) onHeader([]);
}

/**
 * The parser's records as they are ready, all that are buffered at a time (at most 1,000): one
 * promise per batch rather than the async iterator's several per record, which with the
 * AsyncLocalStorage the database lanes use (db/lanes.ts) made promises a fifth of staging's CPU.
 */
async function* recordBatches(stream: Readable, max = 1000): AsyncGenerator<Array<[string[], number]>> {
  let ended = false;
  let closed = false;
  let failure: unknown;
  let wake = () => {};
  stream.on('readable', () => wake());
  stream.on('end', () => {
    ended = true;
    wake();
  });
  stream.on('error', (e) => {
    failure = e;
    wake();
  });
  stream.on('close', () => {
    closed = true;
    wake();
  });
  for (;;) {
    const batch: Array<[string[], number]> = [];
    let record: [string[], number] | null;
    while (batch.length < max && (record = stream.read()) !== null) batch.push(record);
    if (batch.length) {
      yield batch;
      continue;
    }
    if (failure !== undefined) throw failure;
    if (ended) return;
    if (closed) throw Object.assign(new Error('Premature close'), { code: 'ERR_STREAM_PREMATURE_CLOSE' });
    await new Promise<void>((resolve) => {
      wake = resolve;
    });
  }
}

const tooLong = (line: number, max: number) =>
  new AppError(
    'invalid_csv',
    `The row starting on line ${line} is longer than ${max} characters, the limit for one row; nothing was loaded. ` +
      'A quote opened and never closed makes the rest of the file one value: check the quotes from that line on.',
  );

/** The upload stream ended abruptly: the client went away, or the multipart body stopped mid-part. */
const cutOff = (e: unknown) =>
  (e as { code?: string }).code === 'ERR_STREAM_PREMATURE_CLOSE' ||
  /terminated early|aborted/i.test((e as Error)?.message ?? '');

export const isRejection = (r: CsvRow | CsvRejection): r is CsvRejection => 'reason' in r;
