/**
 * filterSql's `sw` range against PostgreSQL's own prefix test (starts_with) on prefixes at the
 * edges of Unicode, and a generic plan of the prepared range using a text_pattern_ops index.
 * (Every other operator: the cases of to-kysely.test.ts, run through both compilers.)
 */
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineFieldMap } from './fields.js';
import { parseFilter } from './parser.js';
import { filterSql, successor } from './to-sql.js';

const FIELDS = defineFieldMap({
  name: { column: 'w.name', type: 'string', ops: ['eq', 'sw'] },
  exact: { column: 'w.name', type: 'string', ops: ['sw'], caseSensitive: true },
});

const WORDS = ['', 'a', 'ab', 'abc', 'abd', 'ac', 'b', 'A', 'Ab', 'é', 'éa', 'ê', 'e', 'z', '~', '\u007f', '\u0080',
  '\uD7FF', '\uD7FFx', '\uE000', '\uFFFF', '\u{10000}', '😀', '😀x', '😁', '\u{10FFFF}', '\u{10FFFF}a', 'a\u{10FFFF}', 'a\u{10FFFF}\u{10FFFF}b',
  '%', '_', 'a%', 'a_b', '\\', 'İ', 'i̇'];

let pg: PGlite;
beforeAll(async () => {
  pg = new PGlite();
  await pg.exec('create table w (id serial primary key, name text)');
  for (const name of WORDS) await pg.query('insert into w (name) values ($1)', [name]);
  await pg.exec('create index w_lower_name on w (lower(name) text_pattern_ops)');
});
afterAll(async () => { await pg.close(); });

const quote = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

async function ids(where: string, params: unknown[]): Promise<number[]> {
  return (await pg.query<{ id: number }>(`select id from w where ${where} order by id`, params)).rows.map((r) => r.id);
}

describe('filterSql: sw is an exact index range', () => {
  const prefixes = ['a', 'A', 'ab', 'a\u{10FFFF}', '\u{10FFFF}', 'é', '\uD7FF', '😀', '\uFFFF', '~', '\u007f', '%', '_', 'a_', '\\', 'İ', 'zz', 'x'];
  it.each(prefixes)('sw %j matches what starts_with matches', async (prefix) => {
    for (const field of ['name', 'exact'] as const) {
      const params: unknown[] = [];
      const where = filterSql(parseFilter(`${field} sw ${quote(prefix)}`), FIELDS, params);
      const column = field === 'name' ? 'lower(name)' : 'name';
      const expected = await ids(`starts_with(${column}, $1)`, [field === 'name' ? prefix.toLowerCase() : prefix]);
      expect(await ids(where, params)).toEqual(expected);
    }
  });

  it('raises the last code point; none above U+10FFFF; surrogates skipped', () => {
    expect(successor('ab')).toBe('ac');
    expect(successor('a\u{10FFFF}')).toBe('b');
    expect(successor('\u{10FFFF}\u{10FFFF}')).toBeUndefined();
    expect(successor('')).toBeUndefined();
    expect(successor('\uD7FF')).toBe('\uE000');
    expect(successor('😀')).toBe('😁');
    expect(successor('\uFFFF')).toBe('\u{10000}');
  });

  it('a lone surrogate is matched as U+FFFD, which is what reaches the database', () => {
    const params: unknown[] = [];
    filterSql(parseFilter(`name sw "a\uD800"`), FIELDS, params);
    expect(params).toEqual(['a\uFFFD', 'a\uFFFE']);
  });

  it('a generic plan of the prepared statement uses the index', async () => {
    const params: unknown[] = [];
    const where = filterSql(parseFilter('name sw "ab"'), FIELDS, params);
    await pg.exec('set plan_cache_mode = force_generic_plan; set enable_seqscan = off');
    await pg.query(`prepare sw_range as select id from w where ${where}`);
    const plan = (await pg.query<{ 'QUERY PLAN': string }>(`explain execute sw_range('ab', 'ac')`)).rows.map((r) => r['QUERY PLAN']).join('\n');
    expect(plan).toMatch(/Index (Only )?Scan using w_lower_name|Bitmap Index Scan on w_lower_name/);
    expect(plan).toMatch(/\$1/);
  });
});
