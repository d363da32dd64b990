/**
 * Contract-test harness: SailPoint's bundled OpenAPI 3.0.1 documents (`../shared/openapi/`, read-only,
 * never copied into this repo) loaded as operation tables plus Ajv validators for request and
 * response bodies.
 *
 * @example
 *   const res = await app.inject({ method: 'GET', url: '/v3/identity-profiles/ef38f94347e94562b5bb8424a56397d8' });
 *   expectContract('v3', 'GET', '/v3/identity-profiles/ef38f94347e94562b5bb8424a56397d8', res.statusCode, res.json());
 *
 * Tests must skip when `sharedDir()` is undefined (a user's clone has no `../shared`).
 * Quirks handled: see contract-schema.ts (nullable, `$ref` siblings, 32-hex `uuid`) and
 * contract-paths.ts (literal-before-parameter matching, the v1 document's server base path).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ValidateFunction } from 'ajv';
import { parse } from 'yaml';
import { bestMatch, compileTemplate, serverBasePath, type CompiledTemplate } from './contract-paths.js';
import { createContractAjv, formatAjvErrors, toJsonSchema, type RefMapper } from './contract-schema.js';

export const contractVersions = ['v3', 'beta', 'v2024', 'v2025', 'v2026', 'v1'] as const;
export type ContractVersion = (typeof contractVersions)[number];
/** The per-service documents (`per-service/<service>.v1.yaml`): each service's own `/…/v1` paths. */
export const perServiceDocuments = [
  'sources',
  'accounts',
  'identities',
  'transforms',
  'task-status',
  'lifecycle-states',
] as const;
export type PerServiceDocument = `per-service/${(typeof perServiceDocuments)[number]}.v1`;
/**
 * Which document: a version's identity-profiles document (`v3`…`v1`, as before), a per-service
 * one (`per-service/sources.v1`), or another per-version file (`identities-lifecycle.v2025`).
 */
export type ContractDocument =
  | ContractVersion
  | PerServiceDocument
  | `identities-lifecycle.${Exclude<ContractVersion, 'v1'>}`
  | 'lifecycle-states.v1';

/** The per-service document whose paths hold `concretePath` (`/sources/v1/abc` → `per-service/sources.v1`), if any. */
export function perServiceDocumentFor(concretePath: string): PerServiceDocument | undefined {
  const m = /^\/(sources|accounts|identities|transforms|task-status)\/v1(?:[/?]|$)/.exec(concretePath);
  return m ? `per-service/${m[1] as (typeof perServiceDocuments)[number]}.v1` : undefined;
}

const fileOf = (name: ContractDocument): string =>
  (contractVersions as readonly string[]).includes(name)
    ? `identity-profiles.${name}.yaml`
    : // h/states' name for per-service/lifecycle-states.v1 (both branches extended the harness)
      name === 'lifecycle-states.v1'
      ? 'per-service/lifecycle-states.v1.yaml'
      : `${name}.yaml`;

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

/** Absolute path of `../shared` next to the repo root (or next to `repoRoot`), if that folder exists. */
export function sharedDir(repoRoot: string = REPO_ROOT): string | undefined {
  const dir = resolve(repoRoot, '..', 'shared');
  return existsSync(dir) ? dir : undefined;
}

/** Absolute path of one bundled document, if present. */
export function contractFile(version: ContractDocument, repoRoot?: string): string | undefined {
  const shared = sharedDir(repoRoot);
  const file = shared && join(shared, 'openapi', fileOf(version));
  return file && existsSync(file) ? file : undefined;
}

export interface ContractOperation {
  /** Upper case, e.g. `GET`. */
  method: string;
  /** Template exactly as in the document, e.g. `/identity-profiles/{identity-profile-id}` (v1: `/identity-profiles/v1/...`). */
  path: string;
  operationId: string;
  tags: string[];
  /** Union of scopes over all security requirements; the document's global `security` when the operation declares none. */
  scopes: string[];
  /** Effective security requirements (scheme name → scopes), e.g. `[{ userAuth: [...] }, { applicationAuth: [...] }]`. */
  security: Array<Record<string, string[]>>;
  /** True when the operation declares no `security` and the global default applies. */
  securityInherited: boolean;
  /** `x-sailpoint-userLevels`, `[]` if none. */
  userLevels: string[];
  /** Declared status codes (as strings, document order), e.g. `['200', '400', '401', ...]`. */
  responses: string[];
  requestContentTypes: string[];
  requestBodyRequired: boolean;
}

export interface ValidationResult {
  valid: boolean;
  errors: string[];
}

export interface Contract {
  version: ContractDocument;
  /** Path of the first server URL: `/v3`, `/beta`, ... and `''` for v1 (whose paths carry `/identity-profiles/v1`). */
  basePath: string;
  /** The parsed document, for ad-hoc inspection (treat as read-only). */
  document: Record<string, any>;
  operations: ContractOperation[];
  getOperation(method: string, pathTemplate: string): ContractOperation | undefined;
  /** Operation for a concrete path, with or without the version base path (`/v3/identity-profiles/export`). */
  matchOperation(method: string, concretePath: string): ContractOperation | undefined;
  /** Throws for an unknown operation; an undeclared status or content type is a validation failure. */
  validateResponse(
    method: string,
    pathTemplate: string,
    status: number | string,
    body: unknown,
    contentType?: string,
  ): ValidationResult;
  /** `contentType` defaults to the operation's first declared request content type. */
  validateRequest(method: string, pathTemplate: string, body: unknown, contentType?: string): ValidationResult;
}

const cache = new Map<ContractDocument, Contract>();

/** Load (once per process) and index one bundled document. Throws if `../shared` or the file is absent. */
export function loadContract(version: ContractDocument): Contract {
  let contract = cache.get(version);
  if (!contract) {
    const file = contractFile(version);
    if (!file) {
      throw new Error(
        `contract ${version}: ${fileOf(version)} not found under ${resolve(REPO_ROOT, '..', 'shared', 'openapi')}`,
      );
    }
    contract = buildContract(version, parse(readFileSync(file, 'utf8')));
    cache.set(version, contract);
  }
  return contract;
}

type RawOp = Record<string, any>;
interface Indexed extends CompiledTemplate {
  op: ContractOperation;
  raw: RawOp;
}

function buildContract(version: ContractDocument, doc: Record<string, any>): Contract {
  const refBase = `https://idprofiles.invalid/contract/${version.replace('/', '.')}.json`;
  const mapRef: RefMapper = (ref, at) => {
    const m = /^#\/components\/schemas\/([^/]+)$/.exec(ref);
    if (!m) throw new Error(`contract ${version}: unsupported schema $ref ${ref} at ${at}`);
    return `${refBase}#/definitions/${m[1]}`;
  };
  const ajv = createContractAjv();
  const translate = { oneOfAsAnyOf: version === 'per-service/transforms.v1' };
  const definitions = Object.fromEntries(
    Object.entries(doc.components?.schemas ?? {}).map(([name, s]) => [
      name,
      toJsonSchema(s, mapRef, `#/components/schemas/${name}`, translate),
    ]),
  );
  ajv.addSchema({ $id: refBase, definitions });

  /** Follow `$ref`s between non-schema objects (responses, request bodies); returns the node and its pointer. */
  const resolveAt = (node: any, pointer: string): { node: any; pointer: string } => {
    const seen = new Set<string>();
    while (node && typeof node.$ref === 'string') {
      if (seen.has(node.$ref)) throw new Error(`contract ${version}: $ref cycle at ${node.$ref}`);
      seen.add(node.$ref);
      pointer = node.$ref;
      node = node.$ref
        .slice(2)
        .split('/')
        .reduce((cur: any, seg: string) => cur?.[unescapePointer(seg)], doc);
    }
    return { node, pointer };
  };
  const resolveObject = (node: any): any => resolveAt(node, '#').node;

  const indexed: Indexed[] = [];
  for (const [path, item] of Object.entries<Record<string, RawOp>>(doc.paths ?? {})) {
    for (const method of HTTP_METHODS.filter((m) => item[m])) {
      const op = describeOperation(method, path, item[method], doc, resolveObject);
      indexed.push({ ...compileTemplate(path), op, raw: item[method] });
    }
  }
  const find = (method: string, template: string): Indexed => {
    const hit = indexed.find((i) => i.op.method === method.toUpperCase() && i.template === template);
    if (hit) return hit;
    const known = indexed.map((i) => `${i.op.method} ${i.template}`).join(', ');
    throw new Error(`contract ${version}: no operation ${method.toUpperCase()} ${template} (known: ${known})`);
  };

  const validators = new Map<string, ValidateFunction>();
  /** Validate `body` against the schema at `at` (a pointer into the document), compiling once. */
  const validate = (schema: unknown, at: string, body: unknown): ValidationResult => {
    let fn = validators.get(at);
    if (!fn) {
      fn = ajv.compile(toJsonSchema(schema, mapRef, at, translate) as object);
      validators.set(at, fn);
    }
    return fn(body) ? { valid: true, errors: [] } : { valid: false, errors: formatAjvErrors(fn.errors, body) };
  };

  const basePath = serverBasePath(doc.servers);
  return {
    version,
    basePath,
    document: doc,
    operations: indexed.map((i) => i.op),
    getOperation: (method, template) =>
      indexed.find((i) => i.op.method === method.toUpperCase() && i.template === template)?.op,
    matchOperation(method, concretePath) {
      const candidates = indexed.filter((i) => i.op.method === method.toUpperCase());
      const relative =
        basePath && concretePath.startsWith(`${basePath}/`) ? concretePath.slice(basePath.length) : concretePath;
      return bestMatch(candidates, relative)?.op;
    },
    validateResponse(method, template, status, body, contentType = 'application/json') {
      const { op, raw } = find(method, template);
      const code = String(status);
      const responses: Record<string, unknown> = raw.responses ?? {};
      const key = [code, `${code[0]}XX`, 'default'].find((k) => k in responses);
      if (!key)
        return fail(
          `status ${code} is not declared for ${op.method} ${op.path} (declared: ${op.responses.join(', ')})`,
        );
      const response = resolveAt(responses[key], `${opPointer(op)}/responses/${key}`);
      return validateContent(
        response.node.content,
        contentType,
        body,
        `${op.method} ${op.path} → ${code}`,
        (schema, media) => validate(schema, `${response.pointer}/content/${escapePointer(media)}/schema`, body),
      );
    },
    validateRequest(method, template, body, contentType) {
      const { op, raw } = find(method, template);
      const { node: requestBody, pointer } = resolveAt(raw.requestBody, `${opPointer(op)}/requestBody`);
      const where = `${op.method} ${op.path} request`;
      if (!requestBody) return body === undefined ? ok() : fail(`${where}: the operation declares no request body`);
      if (body === undefined) return requestBody.required ? fail(`${where}: a request body is required`) : ok();
      return validateContent(
        requestBody.content,
        contentType ?? op.requestContentTypes[0],
        body,
        where,
        (schema, media) => validate(schema, `${pointer}/content/${escapePointer(media)}/schema`, body),
      );
    },
  };
}

function describeOperation(
  method: string,
  path: string,
  raw: RawOp,
  doc: Record<string, any>,
  resolveObject: (n: any) => any,
): ContractOperation {
  const security: Array<Record<string, string[]>> = raw.security ?? doc.security ?? [];
  const requestBody = resolveObject(raw.requestBody);
  return {
    method: method.toUpperCase(),
    path,
    operationId: raw.operationId,
    tags: raw.tags ?? [],
    scopes: [...new Set(security.flatMap((req) => Object.values(req).flat()))],
    security,
    securityInherited: raw.security === undefined,
    userLevels: raw['x-sailpoint-userLevels'] ?? [],
    responses: Object.keys(raw.responses ?? {}),
    requestContentTypes: Object.keys(requestBody?.content ?? {}),
    requestBodyRequired: requestBody?.required === true,
  };
}

const escapePointer = (s: string): string => s.replace(/~/g, '~0').replace(/\//g, '~1');
const unescapePointer = (s: string): string => s.replace(/~1/g, '/').replace(/~0/g, '~');
const opPointer = (op: ContractOperation): string => `#/paths/${escapePointer(op.path)}/${op.method.toLowerCase()}`;
const ok = (): ValidationResult => ({ valid: true, errors: [] });
const fail = (error: string): ValidationResult => ({ valid: false, errors: [error] });

/** `application/json; charset=utf-8` → `application/json`; looks up exact, then `type/*`, then `*\/*`. */
function validateContent(
  content: Record<string, { schema?: unknown }> | undefined,
  contentType: string,
  body: unknown,
  where: string,
  run: (schema: unknown, media: string) => ValidationResult,
): ValidationResult {
  if (!content || Object.keys(content).length === 0) {
    return body === undefined || body === '' ? ok() : fail(`${where}: no content is declared, but a body was given`);
  }
  const media = contentType.split(';')[0].trim().toLowerCase();
  const key = [media, `${media.split('/')[0]}/*`, '*/*'].find((k) => k in content);
  if (!key)
    return fail(`${where}: content type ${media} is not declared (declared: ${Object.keys(content).join(', ')})`);
  const schema = content[key].schema;
  return schema === undefined ? ok() : run(schema, key);
}

/**
 * Assert that a response matches the contract: finds the operation for `concretePath` (e.g.
 * `/v3/identity-profiles/abc`), then validates status and body. Throws an Error listing every Ajv
 * error with its JSON path; returns the matched operation otherwise.
 */
export function expectContract(
  version: ContractDocument,
  method: string,
  concretePath: string,
  status: number | string,
  body: unknown,
  contentType = 'application/json',
): ContractOperation {
  const contract = loadContract(version);
  const op = contract.matchOperation(method, concretePath);
  if (!op) {
    throw new Error(
      `contract ${version}: no operation matches ${method.toUpperCase()} ${concretePath} (base path "${contract.basePath}")`,
    );
  }
  const result = contract.validateResponse(op.method, op.path, status, body, contentType);
  if (!result.valid) {
    const shown = JSON.stringify(body) ?? 'undefined';
    throw new Error(
      [
        `response does not match SailPoint contract ${version}: ${op.method} ${concretePath} → ${status} (${op.operationId}, ${op.path})`,
        ...result.errors.map((e) => `  - ${e}`),
        `  body: ${shown.length > 500 ? `${shown.slice(0, 497)}...` : shown}`,
      ].join('\n'),
    );
  }
  return op;
}
