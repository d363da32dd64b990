/**
 * Typed clients of the API for test setup, one module per resource (as logto's
 * `integration-tests/src/api/*.ts`): `apiClient(t)` answers `sources`, `identityProfiles`,
 * `transforms`, `identities`, `lifecycleStates` and `tasks`, each call returning the typed body
 * and throwing `ApiCallFailed` (method, URL, status, body) when it does not answer as it must.
 *
 * For setup and for reading state. A call whose status, headers or error body a test asserts
 * stays a raw `t.app.inject` in the test, so the assertion reads what it checks.
 */
import { identitiesClient } from './identities.js';
import { identityProfilesClient } from './identity-profiles.js';
import { lifecycleStatesClient } from './lifecycle-states.js';
import { sender, type AppRef } from './request.js';
import { sourcesClient } from './sources.js';
import { tasksClient } from './tasks.js';
import { transformsClient } from './transforms.js';

export type { AnyResult, Task } from './tasks.js';
export type { LifecycleState } from './lifecycle-states.js';
export type { ProcessingResult, TransformDefinition } from './identity-profiles.js';
export { ApiCallFailed } from './request.js';

export type ApiClient = ReturnType<typeof apiClient>;

/**
 * The API as `headers` (the admin's unless given) on `app` — a `TestApp` or a getter for one, so
 * a suite can make its client at `describe` level: `const api = apiClient(() => t);`.
 */
export function apiClient(app: AppRef, headers?: Record<string, string>) {
  const send = sender(app, headers);
  const tasks = tasksClient(app, send);
  return {
    sources: sourcesClient(send, tasks),
    identityProfiles: identityProfilesClient(send),
    transforms: transformsClient(send),
    identities: identitiesClient(send),
    lifecycleStates: lifecycleStatesClient(send),
    tasks,
  };
}
