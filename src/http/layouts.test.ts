import { describe, expect, it } from 'vitest';
import { layoutOf, SERVICE_LAYOUTS } from './layouts.js';
import { API_VERSIONS, versionOfUrl } from './versions.js';

describe('service layouts', () => {
  it('every identity-profile version has a layout, whose task-status path its 202s link to', () => {
    expect(API_VERSIONS.map((v) => [v.name, layoutOf(v.name).paths.taskStatus])).toEqual([
      ['v3', '/v3/task-status'],
      ['beta', '/beta/task-status'],
      ['v2024', '/v2024/task-status'],
      ['v2025', '/v2025/task-status'],
      ['v2026', '/v2026/task-status'],
      ['v1', '/task-status/v1'],
    ]);
    expect(() => layoutOf('v9')).toThrow(/no service layout named v9/);
  });

  it('no two layouts mount a service at the same path; the per-service layout serves every service', () => {
    const paths = SERVICE_LAYOUTS.flatMap((l) =>
      Object.entries(l.paths)
        .filter(([k]) => k !== 'sourceLoads')
        .map(([, p]) => p),
    );
    expect(new Set(paths).size).toBe(paths.length);
    expect(layoutOf('v1').paths).toEqual({
      sources: '/sources/v1',
      sourceLoads: '/sources/v1',
      accounts: '/accounts/v1',
      identities: '/identities/v1',
      transforms: '/transforms/v1',
      taskStatus: '/task-status/v1',
    });
  });

  it('rate limits and metrics count each service of the per-service layout as a version of its own', () => {
    expect(
      [
        '/sources/v1/:id/load-accounts',
        '/task-status/v1',
        '/accounts/v1/:id/disable',
        '/identity-profiles/v1',
        '/v3/sources',
        '/health',
      ].map(versionOfUrl),
    ).toEqual(['sources-v1', 'task-status-v1', 'accounts-v1', 'identity-profiles-v1', 'v3', 'other']);
  });
});
