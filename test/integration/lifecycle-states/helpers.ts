/**
 * Helpers for the lifecycle-state tests: requests under a profile's `lifecycle-states`, each
 * response validated against the version's document (and v1's also against the per-service
 * `lifecycle-states.v1.yaml`); the versions that serve create, list and delete (beta serves only
 * GET and PATCH by id).
 */
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import type { TestApp } from '../../helpers/app.js';
import { expectContract } from '../../helpers/contract.js';
import { CONTRACTS_PRESENT, checkContract, VERSIONS, type Version } from '../identity-profiles/helpers.js';

export const FULL_VERSIONS = VERSIONS.filter((v) => v.name !== 'beta');
export const BETA = VERSIONS.find((v) => v.name === 'beta')!;
/** v2025, v2026, v1: identityState enum, priority, accessActionConfiguration, allSources/excludeSourceIds. */
export const isCurrent = (v: Version) => ['v2025', 'v2026', 'v1'].includes(v.name);

export interface StateRequest {
  payload?: InjectOptions['payload'];
  /** Sent as application/json-patch+json. */
  patch?: unknown[];
  auth?: Record<string, string>;
  /**
   * The document declares no such status for the operation (404 on list/create, any 404 in beta):
   * the body is checked as ISC's ErrorResponseDto instead.
   */
  undeclared?: boolean;
}

/** `path` is relative to `{base}/{profileId}/lifecycle-states`: `''`, `'/{stateId}'`, `'?sorters=name'`. */
export async function stateRequest(
  t: TestApp,
  v: Version,
  method: InjectOptions['method'],
  profileId: string,
  path = '',
  options: StateRequest = {},
): Promise<LightMyRequestResponse> {
  const url = `${v.base}/${profileId}/lifecycle-states${path}`;
  const headers: Record<string, string> = { ...(options.auth ?? (await t.admin())) };
  if (options.patch) headers['content-type'] = 'application/json-patch+json';
  const payload = options.patch ? JSON.stringify(options.patch) : options.payload;
  const res = await t.app.inject({ method, url, headers, payload });
  if (options.undeclared) {
    expect(res.json()).toMatchObject({
      detailCode: expect.any(String),
      trackingId: expect.any(String),
      messages: [expect.objectContaining({ text: expect.any(String) })],
    });
    return res;
  }
  checkContract(v, String(method), url, res);
  if (v.name === 'v1' && CONTRACTS_PRESENT) {
    expectContract(
      'lifecycle-states.v1',
      String(method),
      url,
      res.statusCode,
      res.body === '' ? undefined : res.json(),
      String(res.headers['content-type'] ?? 'application/json'),
    );
  }
  return res;
}

/** A state's create body with every field the version knows. */
export function fullState(v: Version, technicalName: string, sourceId: string): Record<string, unknown> {
  return {
    name: `State ${technicalName}`,
    technicalName,
    enabled: true,
    description: 'Left the company',
    emailNotificationOption: {
      notifyManagers: true,
      notifyAllAdmins: false,
      notifySpecificUsers: true,
      emailAddressList: ['it@example.com'],
    },
    accountActions: [{ action: 'DISABLE', sourceIds: [sourceId] }],
    accessProfileIds: ['2c918087742bab150174407a80f3125e'],
    identityState: isCurrent(v) ? 'INACTIVE_LONG_TERM' : null,
    ...(isCurrent(v) ? { priority: 5, accessActionConfiguration: { removeAllAccessEnabled: true } } : {}),
  };
}
