import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import { describe, expect, it } from 'vitest';
import { formatE164 } from './phone.js';

describe('formatE164 fast path', () => {
  it('agrees with libphonenumber on random numbers in many shapes and regions', () => {
    const regions: CountryCode[] = ['US', 'CA', 'PR', 'GB', 'AU'];
    const shapes = [
      (d: string) => d,
      (d: string) => `(${d.slice(0, 3)}) ${d.slice(3, 6)}-${d.slice(6)}`,
      (d: string) => `+1 ${d}`,
      (d: string) => `1-${d}`,
      (d: string) => `${d.slice(0, 3)}.${d.slice(3, 6)}.${d.slice(6)}`,
      (d: string) => `+44 ${d}`,
      (d: string) => `0${d.slice(1)}`,
      (d: string) => `${d} x12`,
    ];
    let seed = 11;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const mismatches: string[] = [];
    for (let i = 0; i < 8000; i++) {
      const text = shapes[i % shapes.length](Array.from({ length: 10 }, () => Math.floor(rnd() * 10)).join(''));
      const region = regions[i % regions.length];
      const lib = parsePhoneNumberFromString(text, region);
      const want = lib?.isValid() ? lib.number : null;
      if (formatE164(text, region) !== want) mismatches.push(`${text} ${region}`);
    }
    expect(mismatches).toEqual([]);
  });
});
