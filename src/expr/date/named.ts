/**
 * Date codecs: a named format (ISO8601, LDAP, PEOPLE_SOFT, EPOCH_TIME_JAVA, EPOCH_TIME_WIN32)
 * or a SimpleDateFormat pattern, each able to parse text to epoch ms and print epoch ms.
 * Decisions (doc §14.1, §14.2): ISO8601 prints `yyyy-MM-dd'T'HH:mm:ss.SSSZ`-style with a `Z`
 * suffix (`1974-08-02T02:30:32.190Z`) and parses any ISO 8601 date or date-time with `Z`,
 * `±hh`, `±hhmm` or `±hh:mm` (no offset = UTC); LDAP prints its pattern `yyyyMMddHHmmss.Z`
 * (`20200101120000.+0000`) and also parses real generalized time (`20200101120000.0Z`).
 */
import { daysInMonth, utcMs } from './calendar.js';
import { parseWithTokens } from './parse.js';
import { formatTokens, tokenize, type Token } from './pattern.js';

export interface DateCodec {
  /** Epoch ms, or undefined when the text is not a date in this format. */
  parse(text: string, nowMs: number): number | undefined;
  format(ms: number): string;
}

const ISO =
  /^([+-]?\d{4,6})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;
const LDAP = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?(?:[.,](\d*))?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;
const WIN32_OFFSET_MS = 11_644_473_600_000n;

function offsetMinutes(zone: string | undefined): number {
  if (!zone || zone.toUpperCase() === 'Z') return 0;
  const sign = zone[0] === '-' ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || 0));
}

/** Builds epoch ms from matched groups, strictly checking ranges. */
function fromParts(g: (string | undefined)[]): number | undefined {
  const [year, month, day, hour, minute, second] = g.slice(0, 6).map((x) => Number(x ?? 0));
  const fraction = (g[6] ?? '').padEnd(3, '0').slice(0, 3);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  return utcMs(year, month, day, hour, minute, second, Number(fraction)) - offsetMinutes(g[7]) * 60_000;
}

/** Parses ISO 8601 text (the forms listed in the file comment). */
export function parseIso(text: string): number | undefined {
  const m = ISO.exec(text.trim());
  return m ? fromParts(m.slice(1)) : undefined;
}

const ISO_OUT = tokenize("yyyy-MM-dd'T'HH:mm:ss.SSSX");

export const ISO8601: DateCodec = {
  parse: (text) => parseIso(text),
  format: (ms) => formatTokens(ms, ISO_OUT),
};

function patternCodec(tokens: Token[], extraParse?: (text: string) => number | undefined): DateCodec {
  return {
    parse: (text, now) => parseWithTokens(text, tokens, now) ?? extraParse?.(text),
    format: (ms) => formatTokens(ms, tokens),
  };
}

const LDAP_CODEC = patternCodec(tokenize('yyyyMMddHHmmss.Z'), (text) => {
  const m = LDAP.exec(text.trim());
  return m ? fromParts(m.slice(1)) : undefined;
});

const EPOCH_JAVA: DateCodec = {
  parse: (text) => {
    const t = text.trim();
    if (!/^-?\d{1,16}$/.test(t)) return undefined;
    return Number(t);
  },
  format: (ms) => String(ms),
};

const EPOCH_WIN32: DateCodec = {
  parse: (text) => {
    const t = text.trim();
    if (!/^\d{1,20}$/.test(t)) return undefined;
    return Number(BigInt(t) / 10_000n - WIN32_OFFSET_MS);
  },
  format: (ms) => ((BigInt(Math.trunc(ms)) + WIN32_OFFSET_MS) * 10_000n).toString(),
};

const NAMED: Record<string, DateCodec> = {
  ISO8601,
  LDAP: LDAP_CODEC,
  PEOPLE_SOFT: patternCodec(tokenize('MM/dd/yyyy')),
  EPOCH_TIME_JAVA: EPOCH_JAVA,
  EPOCH_TIME_WIN32: EPOCH_WIN32,
};

/** A codec for a named format (any case) or a SimpleDateFormat pattern; throws PatternError. */
export function dateCodec(format: string): DateCodec {
  const named = NAMED[format.toUpperCase()];
  return named ?? patternCodec(tokenize(format));
}
