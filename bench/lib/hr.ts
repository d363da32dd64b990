import { createWriteStream } from 'node:fs';
import { once } from 'node:events';

/** The HR workload bench/process and bench/pglite-responsiveness share: a CSV of N people and a 10-mapping profile. */

const DEPTS = ['Engineering', 'Sales', 'Finance', 'HR', 'Support', 'Legal'];

/** N accounts, each managed by the account a tenth of its number (E1 has none). */
export async function writeHrCsv(path: string, n: number): Promise<void> {
  const out = createWriteStream(path);
  out.write('id,name,first,last,mail,dept,managerId,hired,phone,country\n');
  for (let i = 1; i <= n; i++) {
    const manager = i === 1 ? '' : `E${Math.floor(i / 10) + 1}`;
    const line = `E${i},user${i},First${i},Last${i},User${i}@Example.com,${DEPTS[i % DEPTS.length]},${manager},0${(i % 12) + 1}/1${i % 9}/20${10 + (i % 14)},+1 (415) 555-${String(1000 + (i % 9000))},${i % 3 ? 'US' : 'CA'}\n`;
    if (!out.write(line)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

const attr = (attributeName: string) => ({ type: 'accountAttribute', attributes: { attributeName, sourceName: 'HR' } });

/** Ten mappings, one of each common transform type. */
export const HR_MAPPINGS = [
  ['uid', attr('name')],
  ['employeeNumber', attr('id')],
  ['email', { type: 'lower', attributes: { input: attr('mail') } }],
  ['displayName', { type: 'concat', attributes: { values: [attr('first'), ' ', attr('last')] } }],
  [
    'department',
    {
      type: 'lookup',
      attributes: { input: attr('dept'), table: { Engineering: 'ENG', Sales: 'SLS', default: 'OTHER' } },
    },
  ],
  [
    'hireDate',
    { type: 'dateFormat', attributes: { input: attr('hired'), inputFormat: 'MM/dd/yyyy', outputFormat: 'ISO8601' } },
  ],
  ['initials', { type: 'substring', attributes: { input: attr('first'), begin: 0, end: 1 } }],
  ['nickname', { type: 'firstValid', attributes: { values: [attr('nick'), attr('first'), 'none'] } }],
  ['country', { type: 'upper', attributes: { input: attr('country') } }],
  ['phone', { type: 'e164phone', attributes: { input: attr('phone') } }],
].map(([identityAttributeName, transformDefinition]) => ({ identityAttributeName, transformDefinition }));

/** The source (its manager correlation names the CSV's managerId) and the profile bench/process creates. */
export const HR_SOURCE = {
  name: 'HR',
  managerCorrelationMapping: { accountAttributeName: 'managerId', identityAttributeName: 'employeeNumber' },
};
export const hrProfile = (sourceId: string) => ({
  name: 'Employees',
  authoritativeSource: { id: sourceId },
  identityAttributeConfig: { enabled: true, attributeTransforms: HR_MAPPINGS },
});
