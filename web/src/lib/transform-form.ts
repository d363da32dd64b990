import type { Source, TransformDefinition } from '../api/types.js';

/**
 * The transforms the mapping dialog edits as a form (the rest, and any definition with parts the
 * form does not show, are edited as JSON). A form never drops what it cannot show: `formFits`
 * says whether a definition is made only of what the form edits.
 */
export const FORM_TYPES = [
  'accountAttribute',
  'static',
  'lower',
  'upper',
  'concat',
  'firstValid',
  'dateFormat',
  'lookup',
  'conditional',
  'reference',
] as const;
export type FormType = (typeof FORM_TYPES)[number];

export const FORM_TYPE_LABELS: Record<FormType, string> = {
  accountAttribute: 'Account attribute',
  static: 'Fixed text (static)',
  lower: 'Lower case',
  upper: 'Upper case',
  concat: 'Join values (concat)',
  firstValid: 'First value present (firstValid)',
  dateFormat: 'Date format',
  lookup: 'Lookup table',
  conditional: 'Condition (conditional)',
  reference: 'Named transform (reference)',
};

/** A value inside a transform: another transform, or (in a list of values) plain text. */
export type FormValue = TransformDefinition | string;
type Attrs = Record<string, unknown>;

export const DATE_FORMATS = [
  'ISO8601',
  'LDAP',
  'PEOPLE_SOFT',
  'EPOCH_TIME_JAVA',
  'EPOCH_TIME_WIN32',
  'yyyy-MM-dd',
  'MM/dd/yyyy',
  'dd.MM.yyyy',
];
/** `$name eq value` (ISC's conditional expression: a variable, `eq`, a value). */
export const CONDITION = /^\s*\$([A-Za-z_][\w]*)\s+eq\s+(.*?)\s*$/;

const isObject = (v: unknown): v is Attrs => !!v && typeof v === 'object' && !Array.isArray(v);
const isDefinition = (v: unknown): v is TransformDefinition => isObject(v) && typeof v.type === 'string';
const onlyKeys = (o: Attrs, keys: string[]) => Object.keys(o).every((k) => keys.includes(k));
const isText = (v: unknown) => typeof v === 'string';
const optionalText = (v: unknown) => v === undefined || typeof v === 'string';

/** Whether the form shows every part of `value` (so editing it there loses nothing). */
export function formFits(value: unknown, textOk = false, depth = 0): boolean {
  if (typeof value === 'string') return textOk;
  if (!isDefinition(value) || depth > 8 || !onlyKeys(value, ['type', 'attributes'])) return false;
  const a: Attrs = value.attributes ?? {};
  if (!isObject(a)) return false;
  const inner = (v: unknown) => formFits(v, false, depth + 1);
  const optionalInner = (v: unknown) => v === undefined || inner(v);
  const list = (v: unknown) => Array.isArray(v) && v.every((x) => formFits(x, true, depth + 1));
  switch (value.type as FormType) {
    case 'accountAttribute':
      return (
        onlyKeys(a, ['sourceName', 'sourceId', 'attributeName']) &&
        isText(a.attributeName) &&
        optionalText(a.sourceName) &&
        optionalText(a.sourceId)
      );
    case 'static':
      return onlyKeys(a, ['value']) && isText(a.value);
    case 'lower':
    case 'upper':
      return onlyKeys(a, ['input']) && optionalInner(a.input);
    case 'concat':
      return onlyKeys(a, ['values']) && list(a.values);
    case 'firstValid':
      return (
        onlyKeys(a, ['values', 'ignoreErrors']) &&
        list(a.values) &&
        (a.ignoreErrors === undefined || typeof a.ignoreErrors === 'boolean')
      );
    case 'dateFormat':
      return (
        onlyKeys(a, ['input', 'inputFormat', 'outputFormat']) &&
        optionalInner(a.input) &&
        optionalText(a.inputFormat) &&
        optionalText(a.outputFormat)
      );
    case 'lookup':
      return (
        onlyKeys(a, ['input', 'table']) &&
        optionalInner(a.input) &&
        isObject(a.table) &&
        Object.values(a.table).every(isText)
      );
    case 'conditional': {
      const { expression, positiveCondition, negativeCondition, ...variables } = a;
      return (
        isText(expression) &&
        isText(positiveCondition) &&
        isText(negativeCondition) &&
        Object.values(variables).every(inner)
      );
    }
    case 'reference':
      return onlyKeys(a, ['id', 'input']) && isText(a.id) && optionalInner(a.input);
    default:
      return false;
  }
}

const TAKES_INPUT = ['lower', 'upper', 'dateFormat', 'lookup', 'reference'];

const account = (source: Pick<Source, 'id' | 'name'> | undefined, attributeName = ''): TransformDefinition => ({
  type: 'accountAttribute',
  attributes: source ? { sourceName: source.name, sourceId: source.id, attributeName } : { attributeName },
});

/**
 * A new definition of `type`: the value it had (`from`) becomes its input where the type takes one
 * (choosing "Lower case" over an account attribute lower-cases that attribute).
 */
export function starter(
  type: FormType,
  source: Pick<Source, 'id' | 'name'> | undefined,
  from?: FormValue,
): TransformDefinition {
  const was: Attrs = isDefinition(from) && isObject(from.attributes) ? from.attributes : {};
  // lower → upper keeps lower's input (rather than upper(lower(…))); an account attribute is wrapped
  const input =
    isDefinition(was.input) && TAKES_INPUT.includes(String((from as TransformDefinition).type))
      ? was.input
      : isDefinition(from) && from.type !== type
        ? from
        : account(source);
  const values = Array.isArray(was.values) ? (was.values as FormValue[]) : undefined;
  switch (type) {
    case 'accountAttribute':
      return account(source);
    case 'static':
      return { type, attributes: { value: typeof from === 'string' ? from : '' } };
    case 'lower':
    case 'upper':
      return { type, attributes: { input } };
    case 'concat':
      return { type, attributes: { values: values ?? [input, ' ', account(source)] } };
    case 'firstValid':
      return { type, attributes: { values: values ?? [input, account(source)] } };
    case 'dateFormat':
      return { type, attributes: { input, inputFormat: 'yyyy-MM-dd', outputFormat: 'ISO8601' } };
    case 'lookup':
      return { type, attributes: { input, table: { default: '' } } };
    case 'conditional':
      return {
        type,
        attributes: { expression: '$value eq ', positiveCondition: '', negativeCondition: '', value: input },
      };
    case 'reference':
      return { type, attributes: { id: '' } };
  }
}

// the rule is the server's too (its API warns with it): one copy, in the domain
export {
  describeUnknown,
  unknownAttributes,
  type UnknownAttribute,
} from '../../../src/domain/identity-profiles/unknown-attributes.js';
