import { describe, expect, it } from 'vitest';
import { run, t } from '../test-support.js';

const CSDU = 'Cloud Services Deployment Utility';

describe('identity operations', () => {
  const identity = { uid: 'jd', firstname: 'Jonathan', lastname: 'Doe', preferredName: ' ', n: 5 };
  it.each([
    [t('identityAttribute', { name: 'uid' }), 'jd'],
    [t('identityAttribute', { name: 'n' }), '5'],
    [t('identityAttribute', { name: 'UID' }), null],
    [t('displayName', {}), 'Jonathan Doe'],
    [
      t('rule', { name: CSDU, operation: 'getReferenceIdentityAttribute', uid: 'manager', attributeName: 'email' }),
      null,
    ],
    [
      t('rule', { name: CSDU, operation: 'getReferenceIdentityAttribute', uid: 'nobody', attributeName: 'email' }),
      null,
    ],
  ])('%j → %j', (def, expected) => {
    expect(run(def, { identity })).toBe(expected);
  });

  it('displayName leaves out missing parts', () => {
    expect(run(t('displayName'), { identity: { lastname: 'Doe' } })).toBe('Doe');
    expect(run(t('displayName'), { identity: { preferredName: 'Jo' } })).toBe('Jo');
    expect(run(t('displayName'), {})).toBeNull();
  });

  it('getReferenceIdentityAttribute finds identities through a lookup function', () => {
    const def = t('rule', { name: CSDU, operation: 'getReferenceIdentityAttribute', uid: 'x', attributeName: 'phone' });
    expect(run(def, { identities: (uid) => (uid === 'x' ? { phone: '1' } : undefined) })).toBe('1');
  });
});

describe('rule', () => {
  it('fails at evaluation for rules other than CSDU, at compile time for unknown CSDU operations', () => {
    expect(run(t('rule', { name: 'My Custom Rule' }))).toBe(
      'ERROR: rule "My Custom Rule" cannot run on this server (only the Cloud Services Deployment Utility operations are supported)',
    );
    expect(run(t('rule', { name: CSDU, operation: 'doSomething' }))).toMatch(
      /^COMPILE: attributes.operation: unknown Cloud Services Deployment Utility operation "doSomething"/,
    );
    expect(run(t('rule', {}))).toBe('COMPILE: attributes.name: attribute "name" is required');
  });
});

describe('locale operations', () => {
  it.each([
    [{}, '(512) 346-2000', '+15123462000'],
    [{}, '+44 20 7946 0958', '+442079460958'],
    [{ defaultRegion: 'GB' }, '020 7946 0958', '+442079460958'],
    [{ defaultRegion: 'fr' }, '01 23 45 67 89', '+33123456789'],
    [{}, '512-777-2222 ext. 12', '+15127772222'],
    [{}, '555-0100', null],
    [{}, 'call me', null],
    [{}, null, null],
  ])('e164phone %j %j → %j', (attrs, input, expected) => {
    expect(run(t('e164phone', attrs), { input })).toBe(expected);
  });

  it('e164phone rejects an unknown region', () => {
    expect(run(t('e164phone', { defaultRegion: 'XX' }))).toBe('COMPILE: attributes.defaultRegion: unknown region "XX"');
  });

  it.each([
    [{}, 'spain', 'ES'],
    [{}, 'España', 'ES'],
    [{ format: 'alpha3' }, 'Deutschland', 'DEU'],
    [{ format: 'numeric' }, 'Brazil', '076'],
    [{ format: 'numeric' }, 'br', '076'],
    [{ format: 'alpha2' }, '76', 'BR'],
    [{ format: 'alpha3' }, 'United States', 'USA'],
    [{}, 'Suisse', 'CH'],
    [{}, 'Narnia', null],
    [{}, null, null],
  ])('iso3166 %j %j → %j', (attrs, input, expected) => {
    expect(run(t('iso3166', attrs), { input })).toBe(expected);
  });

  it('iso3166 rejects an unknown format', () => {
    expect(run(t('iso3166', { format: 'alpha4' }))).toBe(
      'COMPILE: attributes.format: format must be alpha2, alpha3 or numeric',
    );
  });

  it.each([
    ['HEB', 'iw'],
    ['Serbian (Cyrillic) (Bosnia and Herzegovina)', 'sr_BA_#Cyrl'],
    ['english (united states)', 'en_US'],
    ['Norwegian (Bokmål)', 'nb'],
    ['spa', 'es'],
    ['Elvish', null],
  ])('rfc5646 %j → %j', (input, expected) => {
    expect(run(t('rfc5646'), { input })).toBe(expected);
  });
});

describe('normalizeNames', () => {
  it.each([
    ["mArTiN o'mAlLeY", "Martin O'Malley"],
    ['JOSÉ ORTEGA Y GASSET', 'José Ortega y Gasset'],
    ['mac-donalds', 'Mac-donalds'],
    ['ronald macdonald', 'Ronald MacDonald'],
    ['VI', 'Vi'],
    ['henry v', 'Henry V'],
    ['louis xiv viii', 'Louis Xiv VIII'],
    ['DE LA CRUZ', 'de la Cruz'],
    ['', ''],
  ])('%j → %j', (input, expected) => {
    expect(run(t('normalizeNames'), { input })).toBe(expected);
  });
});

describe('random operations', () => {
  const seq = () => {
    let i = 0;
    return () => (i++ * 0.37) % 1;
  };
  it('uses ctx.random when given and respects lengths', () => {
    expect(run(t('randomNumeric', { length: 4 }), { random: seq() })).toBe('0371');
    expect(run(t('randomAlphaNumeric', { length: '3' }), { random: seq() })).toMatch(/^[A-Za-z0-9]{3}$/);
    expect(run(t('uuid'), { random: seq() })).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(run(t('uuid'))).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4/);
  });

  it('rejects lengths outside 1…450', () => {
    expect(run(t('randomAlphaNumeric', { length: 451 }))).toBe(
      'COMPILE: attributes.length: length must be between 1 and 450',
    );
    expect(run(t('randomNumeric', { length: '0' }))).toBe(
      'COMPILE: attributes.length: length must be between 1 and 450',
    );
  });

  it('generateRandomString includes every requested class', () => {
    for (let i = 0; i < 50; i++) {
      const out = run(
        t('rule', {
          name: CSDU,
          operation: 'generateRandomString',
          length: '3',
          includeNumbers: 'true',
          includeSpecialChars: 'true',
        }),
      ) as string;
      expect(out).toMatch(/^(?=.*[A-Za-z])(?=.*[0-9])(?=.*[!@#$%&*()+<>?]).{3}$/);
    }
  });
});

describe('usernameGenerator', () => {
  const gen = (patterns: string[], taken: string[] | ((v: string) => boolean), fieldAttributes = {}) =>
    run(
      t('usernameGenerator', {
        patterns,
        fn: t('identityAttribute', { name: 'firstname' }),
        ln: t('identityAttribute', { name: 'lastname' }),
        mi: t('identityAttribute', { name: 'middle' }),
      }),
      { identity: { firstname: 'john', lastname: 'doe' }, provisioning: { takenValues: taken, fieldAttributes } },
    );
  it('skips patterns with a null variable, truncates before the check and keeps the counter', () => {
    expect(gen(['$fn.$mi.$ln', '$fn.$ln'], [])).toBe('john.doe');
    expect(gen(['$fn$ln${uniqueCounter}'], ['johnd', 'john1'], { cloudMaxSize: 5 })).toBe('john2');
    expect(gen(['$fn$ln$uniqueCounter'], (v) => v !== 'johndoe3')).toBe('johndoe3');
  });

  it('stops after the counter pattern and fails when exhausted', () => {
    expect(gen(['$ln${uniqueCounter}', '$fn'], ['doe', 'doe1', 'doe2'], { cloudMaxUniqueChecks: 2 })).toMatch(
      /^ERROR: IllegalStateException/,
    );
    expect(gen(['$mi'], [])).toMatch(
      /^ERROR: IllegalStateException: no unique value could be generated \(last pattern error: cannot render \$mi/,
    );
  });

  it('needs a non-empty list of patterns', () => {
    expect(run(t('usernameGenerator', { patterns: [] }))).toBe(
      'COMPILE: attributes.patterns: attribute "patterns" must be a non-empty list of texts',
    );
  });
});
