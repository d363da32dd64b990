import { describe, expect, it } from 'vitest';
import { run, t } from '../test-support.js';
import type { Account } from '../types.js';

const accounts: Account[] = [
  {
    sourceName: 'AD',
    sourceId: 'id-ad',
    nativeIdentity: 'CN=svc',
    displayName: 'SVC-1',
    created: '2010-01-01T00:00:00Z',
    hasEntitlements: true,
    attributes: { login: 'svc', rank: '10', groups: ['Admins', 'VPN'] },
  },
  {
    sourceName: 'AD',
    sourceId: 'id-ad',
    nativeIdentity: 'CN=jd',
    name: 'John',
    created: new Date('2015-01-01T00:00:00Z'),
    attributes: { login: 'jd', rank: '9', groups: ['VPN'] },
  },
  {
    sourceName: 'AD',
    sourceId: 'id-ad',
    nativeIdentity: 'CN=old',
    created: null,
    attributes: { login: null, rank: null },
  },
  {
    sourceName: 'HR',
    sourceId: 'id-hr',
    created: '2020-01-01T00:00:00Z',
    attributes: { login: 'hr-jd', count: 3, active: true },
  },
];

const aa = (attrs: Record<string, unknown>) =>
  run(t('accountAttribute', { attributeName: 'login', ...attrs }), { accounts });

describe('accountAttribute', () => {
  it.each([
    [{ sourceName: 'AD' }, 'svc'],
    [{ sourceName: 'AD', accountSortDescending: true }, 'jd'],
    [{ sourceName: 'AD', accountSortDescending: 'true', accountReturnFirstLink: true }, 'jd'],
    [{ sourceName: 'AD', accountSortAttribute: 'rank' }, 'svc'],
    [{ sourceName: 'AD', accountSortAttribute: 'rank', accountSortDescending: true }, 'jd'],
    [{ sourceName: 'AD', accountSortAttribute: 'nativeIdentity', accountReturnFirstLink: true }, 'jd'],
    [
      {
        sourceName: 'AD',
        accountSortAttribute: 'nativeIdentity',
        accountSortDescending: true,
        accountReturnFirstLink: true,
      },
      'svc',
    ],
    [{ sourceId: 'id-hr', sourceName: 'renamed' }, 'hr-jd'],
    [{ applicationId: 'id-hr' }, 'hr-jd'],
    [{ applicationName: 'HR [source]' }, 'hr-jd'],
    [{ sourceName: 'Nope' }, null],
    [{ sourceName: 'HR', attributeName: 'count' }, '3'],
    [{ sourceName: 'HR', attributeName: 'active' }, 'true'],
    [{ sourceName: 'AD', attributeName: 'groups' }, '[Admins, VPN]'],
    [{ sourceName: 'AD', accountFilter: 'displayName == "John"' }, 'jd'],
    [{ sourceName: 'AD', accountFilter: 'nativeIdentity.startsWithIgnoreCase("cn=o") || entitlements == true' }, 'svc'],
    [{ sourceName: 'AD', accountFilter: '!(entitlements == true)' }, 'jd'],
    [
      { sourceName: 'AD', accountPropertyFilter: 'groups.contains("VPN") && !(groups.containsAll({"Admins","VPN"}))' },
      'jd',
    ],
    [{ sourceName: 'AD', accountPropertyFilter: 'rank.in({"9", "11"})' }, 'jd'],
    [{ sourceName: 'AD', accountPropertyFilter: 'rank < 10' }, 'jd'],
    [{ sourceName: 'AD', accountPropertyFilter: 'login i== "JD"' }, 'jd'],
    [{ sourceName: 'AD', accountPropertyFilter: 'rank.isNull()', accountReturnFirstLink: true }, null],
    [{ sourceName: 'AD', accountPropertyFilter: 'rank.notNull() && login != "svc"' }, 'jd'],
    [{ sourceName: 'AD', accountPropertyFilter: 'login == null' }, null],
  ])('%j → %j', (attrs, expected) => {
    expect(aa(attrs)).toBe(expected);
  });

  it('fails to compile without a source, with a bad filter or an unsearchable accountFilter property', () => {
    expect(aa({})).toBe(
      'COMPILE: attributes.sourceName: one of sourceName, sourceId, applicationId or applicationName is required',
    );
    expect(aa({ sourceName: 'AD', accountPropertyFilter: 'login ==' })).toMatch(
      /^COMPILE: attributes.accountPropertyFilter: filter error at character 9/,
    );
    expect(aa({ sourceName: 'AD', accountFilter: 'login == "x"' })).toContain('accountFilter can only search');
    expect(run(t('accountAttribute', { sourceName: 'AD' }))).toBe(
      'COMPILE: attributes.attributeName: attribute "attributeName" is required',
    );
  });

  it('gives null without accounts and ignores input', () => {
    expect(
      run(t('accountAttribute', { sourceName: 'AD', attributeName: 'x', input: 'in' }), { input: 'x' }),
    ).toBeNull();
  });
});
