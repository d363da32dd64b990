/**
 * Compiled SQL + parameters and the rows they return, on one real PGlite
 * database shared by the whole file; `sw`'s range against PostgreSQL's own prefix
 * test (starts_with) on prefixes at the edges of Unicode, and a generic plan of the
 * prepared range using a text_pattern_ops index.
 */
import { PGlite } from '@electric-sql/pglite';
import { DummyDriver, Kysely, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineFieldMap } from './fields.js';
import { filterFromQuery } from './filter.js';
import { parseFilter } from './parser.js';
import { successor } from './prefix.js';
import { compileFilter, escapeLike } from './to-kysely.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a scratch table
const db = new Kysely<any>({
  dialect: {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (k) => new PostgresIntrospector(k),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  },
});

const FIELDS = defineFieldMap({
  id: { column: 'item.id', type: 'string', ops: ['eq', 'ne', 'ge', 'gt', 'in', 'le', 'sw'], caseSensitive: true },
  name: {
    column: 'item.name',
    type: 'string',
    ops: ['eq', 'ne', 'gt', 'ge', 'lt', 'le', 'co', 'sw', 'in', 'pr', 'isnull'],
  },
  priority: { column: 'item.priority', type: 'integer', ops: ['eq', 'ne', 'gt', 'ge', 'lt', 'le', 'in', 'isnull'] },
  created: { column: 'item.created', type: 'datetime', ops: ['eq', 'gt', 'ge', 'lt', 'le', 'in', 'pr'] },
  enabled: { column: 'item.enabled', type: 'boolean', ops: ['eq', 'ne'] },
  amount: { column: 'item.amount', type: 'number', ops: ['gt', 'le'] },
  tags: { column: 'item.tags', type: 'string[]', ops: ['ca', 'pr', 'isnull'] },
  exactTags: { column: 'item.tags', type: 'string[]', ops: ['ca'], caseSensitive: true },
  'owner.name': { column: 'item.owner_name', type: 'string', ops: ['eq', 'co', 'sw'] },
});

const ROWS = `
  insert into item (id, name, priority, created, enabled, amount, tags, owner_name) values
  ('a', 'Employees',        10,   '2018-12-18T23:05:55Z',     true,  1.5,  '{HR,Admin}', 'Jane Smith'),
  ('b', 'employees_EU',     20,   '2019-06-01T00:00:00Z',     false, 2,    '{hr}',       null),
  ('c', 'Contractors 100%', 30,   '2018-12-18T23:05:55.5Z',   true,  null, '{}',         'John'),
  ('d', 'Back\\slash "q"',  null, null,                       null,  3,    null,         'ja%ne'),
  ('e', null,               5,    '2020-01-01T00:00:00+02:00', false, 0,   '{Admin}',    'jane doe'),
  ('f', 'EmployeesXEU',     40,   '2021-01-01T00:00:00Z',     true,  10,   '{ADMIN,Hr}', 'Jane')`;

/** Texts at the edges of Unicode and of LIKE, for `sw`'s range (table `w`). */
const WORDS = [
  '',
  'a',
  'ab',
  'abc',
  'abd',
  'ac',
  'b',
  'A',
  'Ab',
  'é',
  'éa',
  'ê',
  'e',
  'z',
  '~',
  '\u007f',
  '\u0080',
  '\uD7FF',
  '\uD7FFx',
  '\uE000',
  '\uFFFF',
  '\u{10000}',
  '😀',
  '😀x',
  '😁',
  '\u{10FFFF}',
  '\u{10FFFF}a',
  'a\u{10FFFF}',
  'a\u{10FFFF}\u{10FFFF}b',
  '%',
  '_',
  'a%',
  'a_b',
  '\\',
  'İ',
  'i̇',
];
const W_FIELDS = defineFieldMap({
  name: { column: 'w.name', type: 'string', ops: ['eq', 'sw'] },
  exact: { column: 'w.name', type: 'string', ops: ['sw'], caseSensitive: true },
});

let pg: PGlite;

beforeAll(async () => {
  pg = new PGlite();
  await pg.exec(`create table item (id text primary key, name text, priority int, created timestamptz,
    enabled boolean, amount numeric, tags text[], owner_name text); ${ROWS}`);
  await pg.exec('create table w (id serial primary key, name text)');
  for (const name of WORDS) await pg.query('insert into w (name) values ($1)', [name]);
  await pg.exec('create index w_lower_name on w (lower(name) text_pattern_ops)');
});

afterAll(async () => {
  await pg.close();
});

/** Compiles `select id from item where <filter> order by id`. */
function compile(filter: string) {
  return db
    .selectFrom('item')
    .select('id')
    .where(compileFilter(parseFilter(filter), FIELDS))
    .orderBy('id')
    .compile();
}

/** The WHERE clause alone, for readable expectations. */
function whereOf(filter: string): string {
  const { sql } = compile(filter);
  return sql.replace(/^select "id" from "item" where /, '').replace(/ order by "id"$/, '');
}

async function idsOf(filter: string): Promise<string> {
  const { sql, parameters } = compile(filter);
  const result = await pg.query<{ id: string }>(sql, parameters as unknown[]);
  return result.rows.map((row) => row.id).join('');
}

/** [filter, WHERE clause, parameters, ids of the matching rows] */
type Case = readonly [string, string, readonly unknown[], string];

const COMPARISONS: readonly Case[] = [
  ['name eq "EMPLOYEES"', 'lower("item"."name") = $1', ['employees'], 'a'],
  ['name ne "employees"', 'lower("item"."name") is distinct from $1', ['employees'], 'bcdef'],
  ['name gt "d"', 'lower("item"."name") > $1', ['d'], 'abf'],
  ['name lt "c"', 'lower("item"."name") < $1', ['c'], 'd'],
  [
    'name sw "Employees"',
    '(lower("item"."name") ~>=~ $1 and lower("item"."name") ~<~ $2)',
    ['employees', 'employeet'],
    'abf',
  ],
  [
    'name sw "employees_"',
    '(lower("item"."name") ~>=~ $1 and lower("item"."name") ~<~ $2)',
    ['employees_', 'employees`'],
    'b',
  ],
  ['name co "100%"', 'lower("item"."name") like $1', ['%100\\%%'], 'c'],
  ['name co "k\\\\s"', 'lower("item"."name") like $1', ['%k\\\\s%'], 'd'],
  ['name co "\\"q\\""', 'lower("item"."name") like $1', ['%"q"%'], 'd'],
  ['name eq null', '"item"."name" is null', [], 'e'],
  ['name ne null', '"item"."name" is not null', [], 'abcdf'],
  ['name isnull', '"item"."name" is null', [], 'e'],
  ['pr name', '"item"."name" is not null', [], 'abcdf'],
  [
    'name in ("EMPLOYEES", "contractors 100%")',
    'lower("item"."name") in ($1, $2)',
    ['employees', 'contractors 100%'],
    'ac',
  ],
  ['id eq a', '"item"."id" = $1', ['a'], 'a'],
  ['id eq A', '"item"."id" = $1', ['A'], ''],
  ['id in (a, "b", c)', '"item"."id" in ($1, $2, $3)', ['a', 'b', 'c'], 'abc'],
  ['id ge "e"', '"item"."id" >= $1', ['e'], 'ef'],
  ['id sw "%"', '("item"."id" ~>=~ $1 and "item"."id" ~<~ $2)', ['%', '&'], ''],
  [
    'owner.name sw "ja%"',
    '(lower("item"."owner_name") ~>=~ $1 and lower("item"."owner_name") ~<~ $2)',
    ['ja%', 'ja&'],
    'd',
  ],
  ['owner.name co "jane"', 'lower("item"."owner_name") like $1', ['%jane%'], 'aef'],
  ['priority eq 10', '"item"."priority" = $1', [10], 'a'],
  ['priority ne 10', '"item"."priority" is distinct from $1', [10], 'bcdef'],
  ['priority gt 10', '"item"."priority" > $1', [10], 'bcf'],
  ['priority le -1', '"item"."priority" <= $1', [-1], ''],
  ['priority in (5, 30)', '"item"."priority" in ($1, $2)', [5, 30], 'ce'],
  ['priority isnull', '"item"."priority" is null', [], 'd'],
  ['amount gt 1.75', '"item"."amount" > $1', [1.75], 'bdf'],
  ['enabled eq true', '"item"."enabled" = $1', [true], 'acf'],
  ['enabled ne true', '"item"."enabled" is distinct from $1', [true], 'bde'],
  ['created gt 2018-12-18T23:05:55Z', '"item"."created" > cast($1 as timestamptz)', ['2018-12-18T23:05:55Z'], 'bcef'],
  ['created eq 2018-12-18T23:05:55.5Z', '"item"."created" = cast($1 as timestamptz)', ['2018-12-18T23:05:55.5Z'], 'c'],
  [
    'created eq 2018-12-19T00:05:55+01:00',
    '"item"."created" = cast($1 as timestamptz)',
    ['2018-12-19T00:05:55+01:00'],
    'a',
  ],
  ['created lt 2019-12-31T23:00:00', '"item"."created" < cast($1 as timestamptz)', ['2019-12-31T23:00:00Z'], 'abce'],
  ['created ge "2019-12-31T22:00:00Z"', '"item"."created" >= cast($1 as timestamptz)', ['2019-12-31T22:00:00Z'], 'ef'],
  [
    'created in (2019-06-01, 2021-01-01T00:00:00Z)',
    '"item"."created" in (cast($1 as timestamptz), cast($2 as timestamptz))',
    ['2019-06-01T00:00:00Z', '2021-01-01T00:00:00Z'],
    'bf',
  ],
  ['pr created', '"item"."created" is not null', [], 'abcef'],
  ['exactTags ca ("Admin")', '"item"."tags" @> cast($1 as text[])', [['Admin']], 'ae'],
  ['exactTags ca ("Admin", HR)', '"item"."tags" @> cast($1 as text[])', [['Admin', 'HR']], 'a'],
  [
    'tags ca ("admin", "hr")',
    '(select array_agg(lower("ca_element")) as "ca_elements" from unnest("item"."tags") as "ca_element") @> cast($1 as text[])',
    [['admin', 'hr']],
    'af',
  ],
  [
    'tags ca (ADMIN)',
    '(select array_agg(lower("ca_element")) as "ca_elements" from unnest("item"."tags") as "ca_element") @> cast($1 as text[])',
    [['admin']],
    'aef',
  ],
  ['tags isnull', '"item"."tags" is null', [], 'd'],
];

const LOGIC: readonly Case[] = [
  ['priority eq 10 or priority eq 20', '("item"."priority" = $1 or "item"."priority" = $2)', [10, 20], 'ab'],
  [
    'enabled eq true and name sw "emp"',
    '("item"."enabled" = $1 and (lower("item"."name") ~>=~ $2 and lower("item"."name") ~<~ $3))',
    [true, 'emp', 'emq'],
    'af',
  ],
  ['not name eq "employees"', 'not coalesce(lower("item"."name") = $1, false)', ['employees'], 'bcdef'],
  ['not priority gt 10', 'not coalesce("item"."priority" > $1, false)', [10], 'ade'],
  [
    'not (priority gt 10 or name isnull)',
    'not coalesce(("item"."priority" > $1 or "item"."name" is null), false)',
    [10],
    'ad',
  ],
  [
    'not priority eq 10 or priority eq 20 and enabled eq false',
    '(not coalesce("item"."priority" = $1, false) or ("item"."priority" = $2 and "item"."enabled" = $3))',
    [10, 20, false],
    'bcdef',
  ],
  [
    '(not priority eq 10 or priority eq 20) and enabled eq false',
    '((not coalesce("item"."priority" = $1, false) or "item"."priority" = $2) and "item"."enabled" = $3)',
    [10, 20, false],
    'be',
  ],
  ['not not enabled eq true', 'not coalesce(not coalesce("item"."enabled" = $1, false), false)', [true], 'acf'],
];

describe('compileFilter: SQL, parameters and rows', () => {
  it.each([...COMPARISONS, ...LOGIC])('%s', async (filter, where, parameters, ids) => {
    expect(whereOf(filter)).toBe(where);
    expect(compile(filter).parameters).toEqual(parameters);
    expect(await idsOf(filter)).toBe(ids);
  });

  it('keeps ne and not-eq complementary to eq, nulls included', async () => {
    for (const [eq, ne] of [
      ['name eq "john"', 'name ne "john"'],
      ['priority eq 10', 'priority ne 10'],
      ['enabled eq false', 'enabled ne false'],
    ]) {
      const all = [...(await idsOf(eq)), ...(await idsOf(ne))].sort().join('');
      expect(all).toBe('abcdef');
      expect(await idsOf(`not ${eq}`)).toBe(await idsOf(ne));
    }
  });

  it('validates eagerly, before the query is built', () => {
    expect(() => compileFilter(parseFilter('id eq "a" or nope eq 1'), FIELDS)).toThrow(
      "Unsupported filter field 'nope' at position 13; supported: id, name, priority, created, enabled, amount, tags, exactTags, owner.name",
    );
  });
});

describe('no client text reaches the SQL string', () => {
  const PAYLOADS = [
    `x'; drop table item; --`,
    `") or 1=1 --`,
    "Robert'); DROP TABLE item;--",
    '$$ or true $$',
    '%_\\',
    'item" where true --',
    'ZQX lower(',
    '/* c */',
  ];
  const quoted = (text: string) => `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  const filters = PAYLOADS.flatMap((p) => [
    `name eq ${quoted(p)}`,
    `name co ${quoted(p)}`,
    `owner.name sw ${quoted(p)}`,
    `id in (${quoted(p)}, "b")`,
    `tags ca (${quoted(p)})`,
    `not (id eq ${quoted(p)} or name ne ${quoted(p)})`,
  ]);

  it.each(filters)('%s', async (filter) => {
    const { sql, parameters } = compile(filter);
    const payload = PAYLOADS.find((p) => filter.includes(quoted(p))) as string;
    expect(sql).not.toContain(payload);
    expect(sql).not.toContain(payload.toLowerCase());
    const forms = [payload, payload.toLowerCase(), escapeLike(payload.toLowerCase())];
    expect(forms.some((form) => JSON.stringify(parameters).includes(JSON.stringify(form).slice(1, -1)))).toBe(true);
    // only whitelisted identifiers appear in the SQL
    const identifiers = new Set(sql.match(/"[^"]*"/g));
    for (const identifier of identifiers) {
      expect(['"id"', '"item"', '"name"', '"owner_name"', '"tags"', '"ca_element"', '"ca_elements"']).toContain(
        identifier,
      );
    }
    await idsOf(filter);
    expect((await pg.query<{ n: number }>('select count(*)::int as n from item')).rows[0].n).toBe(6);
  });

  it('unquoted values and field names are parameters or whitelisted columns too', () => {
    const { sql, parameters } = compile('id eq ZQXunquoted and owner.name eq ZQXword');
    expect(sql).not.toMatch(/zqx/i);
    expect(parameters).toEqual(['ZQXunquoted', 'zqxword']);
  });
});

describe('filterFromQuery', () => {
  it('returns undefined for an absent or blank parameter', () => {
    expect(filterFromQuery(undefined, FIELDS)).toBeUndefined();
    expect(filterFromQuery('  ', FIELDS)).toBeUndefined();
  });

  it('parses, validates and compiles', async () => {
    const where = filterFromQuery('id eq 8c190e6787aa4ed9a90bd9d5344523fb or priority eq 5', FIELDS);
    expect(where).toBeTypeOf('function');
    const { sql, parameters } = db.selectFrom('item').select('id').where(where!).compile();
    expect((await pg.query<{ id: string }>(sql, parameters as unknown[])).rows).toEqual([{ id: 'e' }]);
    expect(() => filterFromQuery('priority co 5', FIELDS)).toThrow(
      /Operator 'co' is not supported for field 'priority'/,
    );
  });
});

describe('sw is an exact index range', () => {
  const quote = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  const compileW = (filter: string) =>
    db
      .selectFrom('w')
      .select('id')
      .where(compileFilter(parseFilter(filter), W_FIELDS))
      .orderBy('id')
      .compile();
  const ids = async (sql: string, params: readonly unknown[]) =>
    (await pg.query<{ id: number }>(sql, params as unknown[])).rows.map((r) => r.id);

  const prefixes = [
    'a',
    'A',
    'ab',
    'a\u{10FFFF}',
    '\u{10FFFF}',
    'é',
    '\uD7FF',
    '😀',
    '\uFFFF',
    '~',
    '\u007f',
    '%',
    '_',
    'a_',
    '\\',
    'İ',
    'zz',
    'x',
  ];
  it.each(prefixes)('sw %j matches what starts_with matches', async (prefix) => {
    for (const field of ['name', 'exact'] as const) {
      const { sql, parameters } = compileW(`${field} sw ${quote(prefix)}`);
      const column = field === 'name' ? 'lower(name)' : 'name';
      const expected = await ids(`select id from w where starts_with(${column}, $1) order by id`, [
        field === 'name' ? prefix.toLowerCase() : prefix,
      ]);
      expect(await ids(sql, parameters)).toEqual(expected);
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
    expect(compileW(`name sw "a\uD800"`).parameters).toEqual(['a\uFFFD', 'a\uFFFE']);
  });

  it('a generic plan of the prepared statement uses the index', async () => {
    const { sql } = compileW('name sw "ab"');
    await pg.exec('set plan_cache_mode = force_generic_plan; set enable_seqscan = off');
    await pg.query(`prepare sw_range as ${sql}`);
    const plan = (await pg.query<{ 'QUERY PLAN': string }>(`explain execute sw_range('ab', 'ac')`)).rows
      .map((r) => r['QUERY PLAN'])
      .join('\n');
    expect(plan).toMatch(/Index (Only )?Scan using w_lower_name|Bitmap Index Scan on w_lower_name/);
    expect(plan).toMatch(/\$1/);
  });
});
