/**
 * Staging a load: the CSV's next batch is parsed while the previous one is written (issue 17).
 * Parsing is this process's CPU and the staging insert the database's; taking turns left one of
 * the two idle at every moment. Shown on the file itself: while the first batch's write is held
 * open, the parser reads on through the second batch — and batches are still written one at a
 * time, in file order.
 */
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAccountLoad } from '../../../src/domain/accounts/load.js';
import type { StagedAccount } from '../../../src/domain/accounts/repository.js';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { sourceWithProfile } from '../../helpers/identities.js';

const ROWS = 2500; // several batches (1,000 rows on PostgreSQL; on PGlite as many as its pace allows)
const ROW = (i: number) => `${i},user${i},${'x'.repeat(200)}\n`;

describe('staging overlaps parsing and writing [pglite]', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('pglite');
  });
  afterAll(async () => {
    await t?.close();
  });

  it('parses the second batch while the first is being written, and writes batches in order', async () => {
    const h = await t.admin();
    const { sourceId } = await sourceWithProfile(
      t,
      h,
      { name: 'overlap-hr' },
      { name: 'overlap-profile', mappings: {} },
    );
    let bytesRead = 0;
    const lines = ['id,name,padding\n', ...Array.from({ length: ROWS }, (_, i) => ROW(i + 1))];
    const file = new Readable({
      highWaterMark: 4096,
      read() {
        const line = lines.shift();
        if (line !== undefined) bytesRead += line.length;
        this.push(line ?? null);
      },
    });
    /** Bytes up to the end of the row `n` rows after the header. */
    const through = (n: number) => lines.slice(0, n + 1).reduce((total, l) => total + l.length, 0);

    const accounts = t.services.ctx.repos.accounts;
    const original = accounts.stage.bind(accounts);
    const written: string[][] = [];
    let readWhileFirstWritten = 0;
    let secondBatchEnd = Infinity;
    let inFlight = 0;
    accounts.stage = async (taskId: string, rows: StagedAccount[]) => {
      inFlight++;
      expect(inFlight).toBe(1); // one write at a time
      if (written.length === 0) {
        // hold the first write until the parser has read the second batch (bounded: the old code
        // never reads that far while a write is pending)
        secondBatchEnd = through(2 * rows.length);
        for (let i = 0; i < 1000 && bytesRead < secondBatchEnd; i++) await new Promise((r) => setTimeout(r, 2));
        readWhileFirstWritten = bytesRead;
      }
      written.push(rows.map((r) => r.nativeIdentity));
      try {
        return await original(taskId, rows);
      } finally {
        inFlight--;
      }
    };
    try {
      const task = await startAccountLoad(t.services.ctx, sourceId, file, { clientId: 'test', name: 'test' });
      expect(task.completionStatus ?? null).toBeNull();
      expect(readWhileFirstWritten).toBeGreaterThanOrEqual(secondBatchEnd);
      expect(written.length).toBeGreaterThanOrEqual(3);
      expect(written.flat()).toEqual(Array.from({ length: ROWS }, (_, i) => String(i + 1)));
    } finally {
      accounts.stage = original;
    }
  });
});
