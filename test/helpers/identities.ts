import type { SourceInput } from '../../src/domain/sources/schema.js';
import type { TestApp } from './app.js';
import { apiClient, type Task, type TransformDefinition } from './api/index.js';

/**
 * Loads a CSV into a source, then waits for the load and for the processing run it asked for
 * (its result names it); returns that run's task. A load that does not succeed throws. The run's
 * result stays loosely typed (suites read fields a run writes only sometimes, e.g. `lifecycleStates`);
 * `Task<ProcessingResult>` is its precise type.
 */
export async function loadAndProcess(
  t: TestApp,
  headers: Record<string, string>,
  sourceId: string,
  csv: string,
): Promise<Task> {
  const api = apiClient(t, headers);
  const load = await api.tasks.succeeded<{ processingTaskIds: string[] }>(
    (await api.sources.startLoad(sourceId, csv)).task.id,
  );
  return api.tasks.wait(load.result.processingTaskIds[0]);
}

/** An `accountAttribute` transform: `attributeName` of the identity's account on `sourceName`. */
export const accountAttr = (sourceName: string, attributeName: string) => ({
  type: 'accountAttribute',
  attributes: { attributeName, sourceName },
});

/**
 * A source and a profile with that source as its authoritative one, created through the API;
 * `mappings` are the profile's attribute transforms, by identity attribute name, in order.
 */
export async function sourceWithProfile(
  t: TestApp,
  headers: Record<string, string>,
  source: SourceInput,
  profile: { name: string; mappings: Record<string, TransformDefinition> },
): Promise<{ sourceId: string; profileId: string }> {
  const api = apiClient(t, headers);
  const { id: sourceId } = await api.sources.create(source);
  const attributeTransforms = Object.entries(profile.mappings).map(([identityAttributeName, transformDefinition]) => ({
    identityAttributeName,
    transformDefinition,
  }));
  const created = await api.identityProfiles.create({
    name: profile.name,
    authoritativeSource: { id: sourceId },
    identityAttributeConfig: { enabled: true, attributeTransforms },
  });
  return { sourceId, profileId: created.id };
}
