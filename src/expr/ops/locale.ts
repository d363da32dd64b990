/**
 * Locale operations: e164phone (libphonenumber-js, full metadata), iso3166, rfc5646.
 * Unrecognised input gives null, as documented.
 */
import { isSupportedCountry, type CountryCode } from 'libphonenumber-js/max';
import { formatE164 } from './phone.js';
import { attrPath, inputOf, stringLiteral } from '../attrs.js';
import type { Compiler, NodeInfo, OpCompiler } from '../compiler.js';
import { compileFail } from '../errors.js';
import { countryKey, findCountry } from '../data/countries.js';
import { RFC5646_TABLE } from '../data/rfc5646.js';
import { valueToText, type Evaluator } from '../runtime.js';
import { textOp } from './text.js';

/**
 * e164phone: `+<country><national>` without spaces (doc §14.6: the docs' `+1512459222` is a
 * typo). Decisions: only numbers libphonenumber deems *valid* (not merely possible); an
 * extension is dropped; text too long to be a phone number (> 64 chars) is not parsed.
 */
function e164phone(node: NodeInfo, c: Compiler): Evaluator {
  const input = inputOf(node, c);
  const region = (stringLiteral(node, 'defaultRegion', c) ?? 'US').toUpperCase();
  if (!isSupportedCountry(region)) compileFail(`unknown region "${region}"`, attrPath(node, 'defaultRegion'));
  return (implicit, run) => {
    const text = valueToText(input(implicit, run));
    if (text === null || text.length > 64) return null;
    return formatE164(text, region as CountryCode);
  };
}

const ISO_FORMATS = ['alpha2', 'alpha3', 'numeric'] as const;

/**
 * iso3166: code or name (English, native, or in one of the country's languages) → `format`.
 * Decisions (doc §14.20): matching ignores case; numeric output keeps three digits (`076`).
 */
function iso3166(node: NodeInfo, c: Compiler): Evaluator {
  const format = stringLiteral(node, 'format', c) ?? 'alpha2';
  if (!(ISO_FORMATS as readonly string[]).includes(format)) {
    compileFail('format must be alpha2, alpha3 or numeric', attrPath(node, 'format'));
  }
  findCountry('US');
  return textOp((text) => {
    const country = findCountry(text);
    return country ? country[format as (typeof ISO_FORMATS)[number]] : null;
  })(node, c);
}

let rfcIndex: Map<string, string> | undefined;

/** rfc5646 via the documented table. Decision (doc §14.21): exact match first, then ignoring case. */
function rfc5646(node: NodeInfo, c: Compiler): Evaluator {
  rfcIndex ??= buildRfcIndex();
  const index = rfcIndex;
  return textOp((text) => index.get(text) ?? index.get(`\u0000${countryKey(text)}`) ?? null)(node, c);
}

function buildRfcIndex(): Map<string, string> {
  const map = new Map<string, string>();
  for (const [k, v] of RFC5646_TABLE) {
    map.set(k, v);
    const folded = `\u0000${countryKey(k)}`;
    if (!map.has(folded)) map.set(folded, v);
  }
  return map;
}

export const LOCALE_OPERATIONS: Record<string, OpCompiler> = {
  e164phone,
  iso3166,
  rfc5646,
};
