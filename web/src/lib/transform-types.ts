/**
 * The operation types the server's transform engine accepts (src/expr/ops/registry.ts
 * OPERATION_TYPES; test/e2e/transform-types.test.ts fails when the two differ), each with a
 * starter for its attributes that the engine accepts as it is. The console does not bundle the
 * engine: the server checks every definition on save.
 */
const account = (attributeName: string) => ({
  type: 'accountAttribute',
  attributes: { sourceName: 'HR', attributeName },
});

export const TRANSFORM_TYPES: Readonly<Record<string, Record<string, unknown>>> = {
  accountAttribute: { sourceName: 'HR', attributeName: 'department' },
  base64Decode: {},
  base64Encode: {},
  concat: { values: [account('firstName'), ' ', account('lastName')] },
  conditional: {
    expression: '$department eq Engineering',
    positiveCondition: 'eng',
    negativeCondition: 'other',
    department: account('department'),
  },
  dateCompare: {
    firstDate: account('hireDate'),
    secondDate: 'now',
    operator: 'lt',
    positiveCondition: 'true',
    negativeCondition: 'false',
  },
  dateFormat: { inputFormat: 'yyyy-MM-dd', outputFormat: 'ISO8601' },
  dateMath: { expression: 'now+1d/d', roundUp: false },
  decomposeDiacriticalMarks: {},
  displayName: {},
  e164phone: { defaultRegion: 'US' },
  firstValid: { values: [account('nickname'), account('firstName')], ignoreErrors: false },
  identityAttribute: { name: 'email' },
  indexOf: { substring: '@' },
  iso3166: { format: 'alpha2' },
  join: { values: [account('firstName'), account('lastName')], separator: '.' },
  lastIndexOf: { substring: '.' },
  leftPad: { length: '6', padding: '0' },
  lookup: { table: { US: 'United States', DE: 'Germany', default: 'Unknown' } },
  lower: {},
  normalizeNames: {},
  randomAlphaNumeric: { length: '12' },
  randomNumeric: { length: '6' },
  reference: { id: 'Name of another transform' },
  replace: { regex: '[^a-zA-Z]', replacement: '' },
  replaceAll: { table: { '-': ' ', _: ' ' } },
  rfc5646: { format: 'alpha2' },
  rightPad: { length: '10', padding: ' ' },
  rule: { name: 'Name of a rule' },
  split: { delimiter: ',', index: 0 },
  static: { value: 'Employee' },
  substring: { begin: 0, end: 3 },
  trim: {},
  upper: {},
  usernameGenerator: {
    patterns: ['$fn.$ln', '$fn.$ln${uniqueCounter}'],
    fn: account('firstName'),
    ln: account('lastName'),
  },
  uuid: {},
};

export const TYPE_NAMES = Object.keys(TRANSFORM_TYPES).sort();

/** The `{type, attributes}` pairs that mention another stored transform by name (`reference`). */
export function referencedNames(value: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(value)) value.forEach((v) => referencedNames(v, out));
  else if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    const attrs = o.attributes as Record<string, unknown> | undefined;
    if (o.type === 'reference' && attrs && typeof attrs.id === 'string') out.add(attrs.id.toLowerCase());
    Object.values(o).forEach((v) => referencedNames(v, out));
  }
  return out;
}
