import { describe, expect, it } from 'vitest';
import { addressKey } from './rate-limit.js';

/** The token endpoint counts per address; an IPv6 client counts per /64, the block one party controls. */
describe('addressKey', () => {
  it.each([
    ['192.0.2.7', '192.0.2.7'],
    ['::ffff:192.0.2.7', '192.0.2.7'],
    ['2001:db8:1:2::a', '2001:db8:1:2::/64'],
    ['2001:0DB8:0001:0002:ffff:eeee:dddd:cccc', '2001:db8:1:2::/64'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
    ['64:ff9b::192.0.2.7', '64:ff9b:0:0::/64'],
    ['1::3:4:5:6:192.0.2.7', '1:0:3:4::/64'],
  ])('%s counts as %s', (ip, key) => {
    expect(addressKey(ip)).toBe(key);
  });

  it('puts every address of one /64 under one key, and the next /64 under another', () => {
    const keys = [
      '2001:db8:1:2::',
      '2001:db8:1:2::1',
      '2001:db8:1:2:8000::ffff',
      '2001:db8:1:2:ffff:ffff:ffff:ffff',
    ].map(addressKey);
    expect(new Set(keys).size).toBe(1);
    expect(addressKey('2001:db8:1:3::1')).not.toBe(keys[0]);
  });
});
