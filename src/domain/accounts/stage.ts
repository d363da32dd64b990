import type { Readable } from 'node:stream';
import { AppError } from '../../errors.js';
import type { DomainContext } from '../context.js';
import type { Source } from '../sources/schema.js';
import { isRejection, readCsvBatches } from './csv.js';
import type { StagedAccount } from './repository.js';
import type { LoadSummary } from './schema.js';

const BATCH = 1000;
/** A batch is also staged once its values reach this many characters: wide rows (up to 1 MiB each) stay bounded in memory, and so does one staging statement (on PGlite it runs on the event loop). */
const BATCH_CHARS = 1024 * 1024;
const MAX_REJECTIONS_LISTED = 1000;

/**
 * Staging an upload: the CSV read a batch at a time into the load's staging rows (never the whole
 * file in memory), each row checked (its id present and not repeated) or rejected with its line;
 * what was staged and rejected is the load's summary (the job applies the staged rows: load.ts).
 */
export async function stageFile(ctx: DomainContext, taskId: string, source: Source, file: Readable) {
  const summary: LoadSummary = { rows: 0, added: 0, updated: 0, unchanged: 0, removed: 0, rejected: 0, rejections: [] };
  // Rows are rejected as they are read, and duplicates of an earlier batch when their batch is
  // staged (after later rows' rejections): the list keeps the first lines, in line order.
  const byLine = () => summary.rejections.sort((a, b) => a.line - b.line).splice(MAX_REJECTIONS_LISTED);
  const reject = (line: number, reason: string) => {
    summary.rejected++;
    summary.rejections.push({ line, reason });
    if (summary.rejections.length >= 2 * MAX_REJECTIONS_LISTED) byLine();
  };
  let header: string[] = [];
  let batch: StagedAccount[] = [];
  let batchChars = 0;
  const pace = ctx.stagingPace?.();
  const stage = async (rows: StagedAccount[]) => {
    const started = performance.now();
    const duplicates = await ctx.repos.accounts.stage(taskId, rows);
    pace?.took(rows.length, performance.now() - started);
    for (const row of rows.filter((r) => duplicates.has(r.nativeIdentity))) {
      reject(
        row.lineNo,
        `duplicate account id '${row.nativeIdentity}' (first on line ${await ctx.repos.accounts.stagedLine(taskId, row.nativeIdentity)})`,
      );
    }
    summary.rows += rows.length - duplicates.size;
    await ctx.repos.tasks.updateProgress(taskId, {
      total: 0,
      processed: summary.rows,
      changed: 0,
      failed: summary.rejected,
    });
  };
  // One batch is written while the next is parsed: the CSV's parsing (this process's CPU) and the
  // staging insert (the database's) overlap instead of taking turns. Batches are still written
  // one at a time and in file order, which the duplicate rule (first line wins) relies on.
  let staging: Promise<void> | undefined;
  const flush = async () => {
    const rows = batch;
    batch = [];
    batchChars = 0;
    await staging;
    staging = stage(rows);
    staging.catch(() => {}); // awaited at the next flush or the end; until then not unhandled
  };
  const seenInBatch = new Map<string, number>();
  try {
    for await (const rows of readCsvBatches(file, (columns) => {
      header = checkHeader(columns, source);
    })) {
      for (const row of rows) {
        if (isRejection(row)) {
          reject(row.line, row.reason);
          continue;
        }
        const id = row.values[source.accountIdColumn]?.trim();
        if (!id) {
          reject(row.line, `no value in the account id column '${source.accountIdColumn}'`);
          continue;
        }
        const first = seenInBatch.get(id);
        if (first !== undefined) {
          reject(row.line, `duplicate account id '${id}' (first on line ${first})`);
          continue;
        }
        seenInBatch.set(id, row.line);
        batch.push({
          nativeIdentity: id,
          lineNo: row.line,
          name: row.values[source.accountNameColumn]?.trim() || id,
          attributes: row.values,
        });
        batchChars += row.chars;
        if (batch.length >= (pace?.rows ?? BATCH) || batchChars >= BATCH_CHARS) {
          await flush();
          seenInBatch.clear();
        }
      }
    }
    if (batch.length) await flush();
    await staging;
  } catch (e) {
    // the caller clears what was staged: the write in flight must have landed (or failed) first
    await staging?.catch(() => {});
    throw e;
  }
  byLine();
  return { summary, header };
}

function checkHeader(columns: string[], source: Source): string[] {
  if (columns.length === 0)
    throw new AppError('invalid_csv', 'The file is empty: a header row naming the columns is required.');
  if (!columns.includes(source.accountIdColumn)) {
    throw new AppError(
      'invalid_csv',
      `The file has no column '${source.accountIdColumn}' (the source's account id column); columns: ${columns.join(', ')}.`,
    );
  }
  const dup = columns.find((c, i) => columns.indexOf(c) !== i);
  if (dup) throw new AppError('invalid_csv', `The header names column '${dup}' twice.`);
  return columns;
}
