import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { isAppError } from '../../errors.js';
import { CSV_LIMITS, readCsvBatches, type CsvRejection, type CsvRow } from './csv.js';

const MiB = 1024 * 1024;

/** A file made on demand — `head`, `size` bytes of `fill`, `tail` — that counts what was read of it. */
function lazyFile(head: string, fill: string, size: number, tail: string) {
  const chunk = Buffer.from(fill.repeat(Math.ceil((64 * 1024) / fill.length)));
  let produced = 0;
  const counter = { bytesRead: 0 };
  const stream = new Readable({
    read() {
      if (produced === 0) this.push(head);
      if (produced >= size) {
        this.push(tail);
        return void this.push(null);
      }
      const piece = chunk.subarray(0, Math.min(chunk.length, size - produced));
      produced += piece.length;
      counter.bytesRead = produced;
      this.push(piece);
    },
  });
  return { stream, counter };
}

async function readAll(input: Readable, limits = CSV_LIMITS): Promise<Array<CsvRow | CsvRejection>> {
  const out: Array<CsvRow | CsvRejection> = [];
  for await (const rows of readCsvBatches(input, () => {}, limits)) out.push(...rows);
  return out;
}

async function refusal(input: Readable, limits = CSV_LIMITS): Promise<unknown> {
  try {
    await readAll(input, limits);
  } catch (e) {
    return e;
  }
  throw new Error('expected the file to be refused');
}

describe('readCsv on hostile files', () => {
  it('refuses a huge value after reading about one row limit of it, naming the line', async () => {
    const { stream, counter } = lazyFile('id,blob\n1,ok\n2,', 'a', 64 * MiB, '\n3,ok\n');
    const e = await refusal(stream);
    expect(isAppError(e) && e.status).toBe(400);
    expect((e as Error).message).toMatch(
      /^The row starting on line 3 is longer than 1048576 characters, the limit for one row; nothing was loaded/,
    );
    // the bound on work: the parser stopped within a few read-ahead chunks of the limit, not at the end of 64 MiB
    expect(counter.bytesRead).toBeLessThan(CSV_LIMITS.maxRecordChars + 2 * MiB);
  });

  it('names the line where an unclosed quote starts the runaway row', async () => {
    const rows = Array.from({ length: 300_000 }, (_, i) => `${i + 10},x\n`).join('');
    const e = await refusal(Readable.from([`id,name\n1,ann\n2,"bob\n${rows}`]));
    expect((e as Error).message).toMatch(/^The row starting on line 3 is longer than/);
    expect((e as Error).message).toMatch(/check the quotes from that line on/);
  });

  it('rejects a row with an over-long value, naming line and column, and reads on', async () => {
    const limits = { ...CSV_LIMITS, maxRecordChars: 1000, maxFieldChars: 100 };
    const rows = await readAll(
      Readable.from([`id,name,note\n1,ann,short\n2,bob,${'n'.repeat(101)}\n3,cy,${'n'.repeat(100)}\n`]),
      limits,
    );
    expect(rows).toEqual([
      { line: 2, values: { id: '1', name: 'ann', note: 'short' }, chars: 9 },
      { line: 3, reason: "the value in column 'note' is longer than 100 characters" },
      { line: 4, values: { id: '3', name: 'cy', note: 'n'.repeat(100) }, chars: 103 },
    ]);
  });

  it('refuses a header of more columns than the limit before reading a row', async () => {
    // within the row limit: 200,000 short column names, whose duplicate check alone was quadratic
    const header = Array.from({ length: 200_000 }, (_, i) => i.toString(36)).join(',');
    const e = await refusal(Readable.from([`${header}\n1\n`]));
    expect(isAppError(e) && e.status).toBe(400);
    expect((e as Error).message).toBe(
      `The header names 200000 columns; a file may have at most ${CSV_LIMITS.maxColumns}. Nothing was loaded.`,
    );
    const fine = Array.from({ length: CSV_LIMITS.maxColumns }, (_, i) => `c${i}`);
    expect(await readAll(Readable.from([`${fine.join(',')}\n${fine.map(() => 'v').join(',')}\n`]))).toEqual([
      { line: 2, values: Object.fromEntries(fine.map((c) => [c, 'v'])), chars: CSV_LIMITS.maxColumns },
    ]);
  });

  it('fails with the upload when the upload fails, instead of waiting for it forever', async () => {
    const failing = new Readable({ read() {} });
    failing.push('id,name\n1,ann\n');
    const reading = refusal(failing);
    setImmediate(() => failing.destroy(new Error('the upload was cut off')));
    expect(await reading).toMatchObject({ message: 'the upload was cut off' });
  });

  it('stops reading its input when the consumer stops', async () => {
    const { stream, counter } = lazyFile('id,name\n', '1,ann\n', 64 * MiB, '');
    for await (const [row] of readCsvBatches(stream, () => {})) {
      expect(row).toMatchObject({ values: { id: '1' } });
      break;
    }
    expect(stream.destroyed || stream.readableFlowing === false).toBe(true);
    expect(counter.bytesRead).toBeLessThan(2 * MiB);
  });
});
