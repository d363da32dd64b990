import type { IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'vitest';
import { isAxiosError, type AxiosError, type AxiosResponse } from 'axios';
import {
  Configuration,
  IdentityProfilesApi,
  IdentityProfilesBetaApi,
  IdentityProfilesV2024Api,
  Paginator,
  type IdentityAttributeConfig,
  type IdentityAttributeConfigBeta,
  type IdentityAttributeConfigV2024,
  type IdentityPreviewRequest,
  type IdentityProfile,
  type IdentityProfileBeta,
  type IdentityProfileExportedObject,
  type IdentityProfileExportedObjectBeta,
  type IdentityProfileExportedObjectV2024,
  type IdentityProfileV2024,
  type JsonPatchOperation,
  type ObjectImportResult,
  type ObjectImportResultBeta,
  type ObjectImportResultV2024,
  type TaskResultSimplified,
  type TaskResultSimplifiedBeta,
  type TaskResultSimplifiedV2024,
} from 'sailpoint-api-client';
import { apiClientRepository } from '../../src/db/repositories/clients.js';
import { createClient, type NewClient } from '../../src/domain/clients/service.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import type { DbKind } from '../helpers/databases.js';

/**
 * A real listening server driven by the official SDK (`sailpoint-api-client`): the SDK gets its
 * own token and sends its own requests; `wire` records what arrived (method, url, headers) so
 * tests can say what the SDK sends.
 */
export interface WireRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
}

export interface SdkServer {
  t: TestApp;
  baseUrl: string;
  wire: WireRequest[];
  clientId: string;
  /** The SDK configuration of an ORG_ADMIN / sp:scopes:all client (its token already fetched). */
  config: Configuration;
  /** A configuration for a new client with these rights (the SDK starts fetching its token on construction). */
  configFor(init?: Omit<NewClient, 'name'>): Promise<{ config: Configuration; clientId: string; secret: string }>;
  /** Credentials of a new client (no token fetched). */
  newClient(init?: Omit<NewClient, 'name'>): Promise<{ clientId: string; secret: string }>;
  /** `POST /v3/sources {name}` with plain fetch (the SDK's SourcesApi needs many fields). */
  newSource(name: string): Promise<{ id: string; name: string }>;
  /** The requests that arrived since `mark` (an index into `wire`). */
  since(mark: number): WireRequest[];
  close(): Promise<void>;
}

/** The SDK's own retry (axios-retry) is turned off so that an error surfaces at once, never after delays. */
export function sdkConfiguration(params: ConstructorParameters<typeof Configuration>[0]): Configuration {
  const config = new Configuration(params);
  config.retriesConfig = { retries: 0 };
  return config;
}

export async function startSdkServer(kind: DbKind): Promise<SdkServer> {
  const t = await startTestApp(kind);
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = t.app.server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;
  const wire: WireRequest[] = [];
  // Headers only: reading the body here would take it away from Fastify.
  t.app.server.on('request', (req) =>
    wire.push({ method: req.method ?? '', url: req.url ?? '', headers: { ...req.headers } }),
  );

  const newClient = async (init: Omit<NewClient, 'name'> = {}) => {
    const { client, secret } = await createClient(apiClientRepository(t.services.database.db), {
      name: 'sdk',
      ...init,
    });
    return { clientId: client.id, secret };
  };
  const configFor = async (init: Omit<NewClient, 'name'> = {}) => {
    const { clientId, secret } = await newClient(init);
    const config = sdkConfiguration({
      baseurl: baseUrl,
      clientId,
      clientSecret: secret,
      tokenUrl: `${baseUrl}/oauth/token`,
    });
    return { config, clientId, secret };
  };
  const admin = await configFor();
  const adminToken = await admin.config.accessToken;

  return {
    t,
    baseUrl,
    wire,
    clientId: admin.clientId,
    config: admin.config,
    configFor,
    newClient,
    async newSource(name) {
      const res = await fetch(`${baseUrl}/v3/sources`, {
        method: 'POST',
        headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name }),
      });
      if (res.status !== 201) throw new Error(`source ${name}: ${res.status} ${await res.text()}`);
      return (await res.json()) as { id: string; name: string };
    },
    since: (mark) => wire.slice(mark),
    close: () => t.close(),
  };
}

/** The axios error of a call that must fail (an error without a response fails the test). */
export async function failure(call: Promise<unknown>): Promise<AxiosError<any>> {
  try {
    await call;
  } catch (e) {
    if (isAxiosError(e) && e.response) return e;
    throw e;
  }
  throw new Error('the call succeeded, but should have failed');
}

/** ISC's ErrorResponseDto, as the SDK hands it back in `error.response.data`. */
export const errorResponse = (detailCode: string, text: string | RegExp) => ({
  detailCode,
  trackingId: expect.stringMatching(/^[0-9a-f]{32}$/),
  messages: [
    {
      locale: 'en-US',
      localeOrigin: 'DEFAULT',
      text: typeof text === 'string' ? expect.stringContaining(text) : expect.stringMatching(text),
    },
  ],
  causes: expect.any(Array),
});

/** What the three versions' SDK classes answer (their models differ only in details such as nullability). */
export type Profile = IdentityProfile | IdentityProfileBeta | IdentityProfileV2024;
export type Exported =
  | IdentityProfileExportedObject
  | IdentityProfileExportedObjectBeta
  | IdentityProfileExportedObjectV2024;
type Task = TaskResultSimplified | TaskResultSimplifiedBeta | TaskResultSimplifiedV2024;
type ImportResult = ObjectImportResult | ObjectImportResultBeta | ObjectImportResultV2024;
type AttributeConfig = IdentityAttributeConfig | IdentityAttributeConfigBeta | IdentityAttributeConfigV2024;

/**
 * The identity-profile operations of one API version, each made by that version's SDK class
 * with that version's request types. Inputs use the v3 models (the compiler checks that they
 * fit each version's request type); results are typed by the version that answered.
 */
export interface VersionClient {
  version: 'v3' | 'beta' | 'v2024';
  prefix: string;
  create(profile: IdentityProfile): Promise<AxiosResponse<Profile>>;
  get(id: string): Promise<AxiosResponse<Profile>>;
  list(params?: ListParams): Promise<AxiosResponse<Profile[]>>;
  paginate(params: ListParams, increment: number): Promise<AxiosResponse<Profile[]>>;
  patch(id: string, ops: JsonPatchOperation[]): Promise<AxiosResponse<Profile>>;
  delete(id: string): Promise<AxiosResponse<Task>>;
  bulkDelete(ids: string[]): Promise<AxiosResponse<Task>>;
  export(params?: ListParams): Promise<AxiosResponse<Exported[]>>;
  /** Takes what `export` gave (beta's model is wider — nullable attributes, one more `self.type` — hence the casts). */
  import(items: Exported[]): Promise<AxiosResponse<ImportResult>>;
  defaultConfig(id: string): Promise<AxiosResponse<AttributeConfig>>;
  process(id: string): Promise<AxiosResponse<object>>;
  preview(request: IdentityPreviewRequest): Promise<AxiosResponse<unknown>>;
}

export interface ListParams {
  limit?: number;
  offset?: number;
  count?: boolean;
  filters?: string;
  sorters?: string;
}

export const VERSIONS = ['v3', 'beta', 'v2024'] as const;

export function versionClient(version: VersionClient['version'], config: Configuration): VersionClient {
  if (version === 'v3') {
    const api = new IdentityProfilesApi(config);
    return {
      version,
      prefix: '/v3',
      create: (identityProfile) => api.createIdentityProfile({ identityProfile }),
      get: (identityProfileId) => api.getIdentityProfile({ identityProfileId }),
      list: (params = {}) => api.listIdentityProfiles(params),
      paginate: (params, increment) => Paginator.paginate(api, api.listIdentityProfiles, { ...params }, increment),
      patch: (identityProfileId, jsonPatchOperation) =>
        api.updateIdentityProfile({ identityProfileId, jsonPatchOperation }),
      delete: (identityProfileId) => api.deleteIdentityProfile({ identityProfileId }),
      bulkDelete: (requestBody) => api.deleteIdentityProfiles({ requestBody }),
      export: (params = {}) => api.exportIdentityProfiles(params),
      import: (items) =>
        api.importIdentityProfiles({ identityProfileExportedObject: items as IdentityProfileExportedObject[] }),
      defaultConfig: (identityProfileId) => api.getDefaultIdentityAttributeConfig({ identityProfileId }),
      process: (identityProfileId) => api.syncIdentityProfile({ identityProfileId }),
      preview: (identityPreviewRequest) => api.showIdentityPreview({ identityPreviewRequest }),
    };
  }
  if (version === 'beta') {
    const api = new IdentityProfilesBetaApi(config);
    return {
      version,
      prefix: '/beta',
      create: (identityProfileBeta) => api.createIdentityProfile({ identityProfileBeta }),
      get: (identityProfileId) => api.getIdentityProfile({ identityProfileId }),
      list: (params = {}) => api.listIdentityProfiles(params),
      paginate: (params, increment) => Paginator.paginate(api, api.listIdentityProfiles, { ...params }, increment),
      patch: (identityProfileId, jsonPatchOperationBeta) =>
        api.updateIdentityProfile({ identityProfileId, jsonPatchOperationBeta }),
      delete: (identityProfileId) => api.deleteIdentityProfile({ identityProfileId }),
      bulkDelete: (requestBody) => api.deleteIdentityProfiles({ requestBody }),
      export: (params = {}) => api.exportIdentityProfiles(params),
      import: (identityProfileExportedObjectBeta) => api.importIdentityProfiles({ identityProfileExportedObjectBeta }),
      defaultConfig: (identityProfileId) => api.getDefaultIdentityAttributeConfig({ identityProfileId }),
      process: (identityProfileId) => api.syncIdentityProfile({ identityProfileId }),
      preview: (identityPreviewRequestBeta) => api.showGenerateIdentityPreview({ identityPreviewRequestBeta }),
    };
  }
  const api = new IdentityProfilesV2024Api(config);
  return {
    version,
    prefix: '/v2024',
    create: (identityProfileV2024) => api.createIdentityProfile({ identityProfileV2024 }),
    get: (identityProfileId) => api.getIdentityProfile({ identityProfileId }),
    list: (params = {}) => api.listIdentityProfiles(params),
    paginate: (params, increment) => Paginator.paginate(api, api.listIdentityProfiles, { ...params }, increment),
    patch: (identityProfileId, jsonPatchOperationV2024) =>
      api.updateIdentityProfile({ identityProfileId, jsonPatchOperationV2024 }),
    delete: (identityProfileId) => api.deleteIdentityProfile({ identityProfileId }),
    bulkDelete: (requestBody) => api.deleteIdentityProfiles({ requestBody }),
    export: (params = {}) => api.exportIdentityProfiles(params),
    import: (items) =>
      api.importIdentityProfiles({ identityProfileExportedObjectV2024: items as IdentityProfileExportedObjectV2024[] }),
    defaultConfig: (identityProfileId) => api.getDefaultIdentityAttributeConfig({ identityProfileId }),
    process: (identityProfileId) => api.syncIdentityProfile({ identityProfileId }),
    preview: (identityPreviewRequestV2024) => api.generateIdentityPreview({ identityPreviewRequestV2024 }),
  };
}
