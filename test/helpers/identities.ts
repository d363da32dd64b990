import { waitForTask, type TestApp } from './app.js';
import { multipartFile } from './multipart.js';

/**
 * Loads a CSV into a source, then waits for the load and for the processing run it asked for
 * (its result names it); returns that run's task. A load that does not succeed throws.
 */
export async function loadAndProcess(t: TestApp, headers: Record<string, string>, sourceId: string, csv: string): Promise<any> {
  const file = multipartFile('file', 'accounts.csv', csv);
  const res = await t.app.inject({ method: 'POST', url: `/v3/sources/${sourceId}/load-accounts`, payload: file.payload, headers: { ...headers, ...file.headers } });
  const done = await waitForTask(t, res.json().task.id);
  if (done.completionStatus !== 'Success') throw new Error(`load ended ${done.completionStatus}: ${JSON.stringify(done.messages)}`);
  return waitForTask(t, done.result.processingTaskIds[0]);
}

/** An `accountAttribute` transform: `attributeName` of the identity's account on `sourceName`. */
export const accountAttr = (sourceName: string, attributeName: string) => ({ type: 'accountAttribute', attributes: { attributeName, sourceName } });

/**
 * A source and a profile with that source as its authoritative one, created through the API;
 * `mappings` are the profile's attribute transforms, by identity attribute name, in order.
 */
export async function sourceWithProfile(
  t: TestApp, headers: Record<string, string>, source: { name: string } & Record<string, unknown>,
  profile: { name: string; mappings: Record<string, unknown> },
): Promise<{ sourceId: string; profileId: string }> {
  const created = await t.app.inject({ method: 'POST', url: '/v3/sources', headers, payload: source });
  if (created.statusCode !== 201) throw new Error(`source: ${created.statusCode} ${created.body}`);
  const sourceId = created.json().id as string;
  const attributeTransforms = Object.entries(profile.mappings).map(([identityAttributeName, transformDefinition]) => ({ identityAttributeName, transformDefinition }));
  const res = await t.app.inject({
    method: 'POST', url: '/v3/identity-profiles', headers,
    payload: { name: profile.name, authoritativeSource: { id: sourceId }, identityAttributeConfig: { enabled: true, attributeTransforms } },
  });
  if (res.statusCode !== 201) throw new Error(`profile: ${res.statusCode} ${res.body}`);
  return { sourceId, profileId: res.json().id };
}
