/**
 * E.164 formatting with libphonenumber-js (full "max" metadata, so validity is Google's
 * `isValidNumber`). libphonenumber-js compiles its metadata regexes on every call, which
 * dominated profiles (~7 µs a number); for the common case — a plain North American number
 * (`(512) 346-2000`, `512.346.2000`, `+1 512 346 2000`, `1-512-346-2000`) with a NANP default
 * region — the same metadata patterns are compiled once here and checked directly. When the
 * fast path says "valid" libphonenumber would format the same `+1XXXXXXXXXX`; anything else
 * (other characters, extensions, other lengths, numbers not valid for the default region,
 * which libphonenumber may still place in another NANP country) takes the library path.
 */
import { Metadata, type CountryCode } from 'libphonenumber-js/core';
import metadata from 'libphonenumber-js/max/metadata';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';

const TYPES = [
  'FIXED_LINE',
  'MOBILE',
  'PREMIUM_RATE',
  'TOLL_FREE',
  'SHARED_COST',
  'VOIP',
  'PERSONAL_NUMBER',
  'PAGER',
  'UAN',
  'VOICEMAIL',
];
const NANP_SHAPE = /^\s*(\+\s*1|1)?[\s().-]*(\d[\s().-]*){10}$/;

interface NumberingPlan {
  callingCode(): string;
  nationalNumberPattern(): string;
  type(name: string): { pattern(): string } | undefined;
}

/** Per region: one regex for "valid national number", or null when the region is not NANP. */
const nanpValidators = new Map<string, RegExp | null>();

function nanpValidator(region: string): RegExp | null {
  let rx = nanpValidators.get(region);
  if (rx === undefined) {
    const m = new Metadata(metadata as never) as unknown as {
      selectNumberingPlan(c: string): void;
      numberingPlan: NumberingPlan;
    };
    m.selectNumberingPlan(region);
    const plan = m.numberingPlan;
    const types = TYPES.map((t) => plan.type(t)?.pattern()).filter((p): p is string => !!p);
    rx =
      plan.callingCode() === '1'
        ? new RegExp(`^(?=(?:${plan.nationalNumberPattern()})$)(?:${types.join('|')})$`)
        : null;
    nanpValidators.set(region, rx);
  }
  return rx;
}

/** `+<country><national>` for a valid number, else null. */
export function formatE164(text: string, region: CountryCode): string | null {
  const validator = nanpValidator(region);
  if (validator && NANP_SHAPE.test(text)) {
    const digits = text.replace(/\D/g, '');
    const national = digits.length === 11 ? digits.slice(1) : digits;
    if (validator.test(national)) return `+1${national}`;
  }
  const phone = parsePhoneNumberFromString(text, region);
  return phone?.isValid() ? phone.number : null;
}
