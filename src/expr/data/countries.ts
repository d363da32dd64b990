/**
 * ISO 3166-1 country index for the iso3166 operation, built once on first use from
 * `i18n-iso-countries` (codes, English names and aliases, names in each country's own
 * languages) and `countries-list` (native names). Keys are matched case-insensitively.
 */
import { createRequire } from 'node:module';

export interface Country {
  readonly alpha2: string;
  readonly alpha3: string;
  /** Three digits with leading zeros, e.g. `076`. */
  readonly numeric: string;
}

type LocaleFile = { countries: Record<string, string | string[]> };

let index: Map<string, Country> | undefined;

/** Normalised lookup key: trimmed, NFC, lower-case. */
export function countryKey(text: string): string {
  return text.trim().normalize('NFC').toLowerCase();
}

/** Finds a country by alpha-2, alpha-3, numeric code, English or native name; undefined if unknown. */
export function findCountry(text: string): Country | undefined {
  index ??= buildIndex();
  const key = countryKey(text);
  return index.get(/^\d{1,3}$/.test(key) ? key.padStart(3, '0') : key);
}

function buildIndex(): Map<string, Country> {
  const require = createRequire(import.meta.url);
  const codes = require('i18n-iso-countries/codes.json') as [string, string, string][];
  const english = (require('i18n-iso-countries/langs/en.json') as LocaleFile).countries;
  const { countries } = require('countries-list') as {
    countries: Record<string, { native: string; languages: string[] }>;
  };
  const map = new Map<string, Country>();
  const add = (name: string | undefined, c: Country) => {
    if (name && !map.has(countryKey(name))) map.set(countryKey(name), c);
  };
  const list = codes.map(([alpha2, alpha3, numeric]) => ({ alpha2, alpha3, numeric }));
  for (const c of list) [c.alpha2, c.alpha3, c.numeric].forEach((k) => add(k, c));
  for (const c of list) for (const n of [english[c.alpha2] ?? []].flat()) add(n, c);
  for (const c of list) add(countries[c.alpha2]?.native, c);
  for (const c of list) {
    for (const lang of countries[c.alpha2]?.languages ?? []) {
      for (const n of [localeNames(require, lang)?.[c.alpha2] ?? []].flat()) add(n, c);
    }
  }
  return map;
}

const localeCache = new Map<string, LocaleFile['countries'] | undefined>();

function localeNames(require: NodeRequire, lang: string): LocaleFile['countries'] | undefined {
  if (!/^[a-z]{2,3}$/.test(lang)) return undefined;
  if (!localeCache.has(lang)) {
    try {
      localeCache.set(lang, (require(`i18n-iso-countries/langs/${lang}.json`) as LocaleFile).countries);
    } catch {
      localeCache.set(lang, undefined);
    }
  }
  return localeCache.get(lang);
}
