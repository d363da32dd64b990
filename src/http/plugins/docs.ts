import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { shareErrorResponses, shareTitledSchemas } from './openapi-components.js';

/** The package's version (package.json, three folders up from src/http/plugins and dist/http/plugins). */
const VERSION = (
  JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

/** The reference's sections, in the order a reader needs them: a token first, then the API, newest stable version first. */
const TAGS = [
  { name: 'OAuth', description: 'Tokens: client credentials, as ISC. "Authorize" above gets one for you.' },
  { name: 'Identity Profiles (v3)', description: 'Identity profiles, the stable version most clients use.' },
  { name: 'Identity Profiles (v2026)', description: 'Identity profiles under /v2026.' },
  { name: 'Identity Profiles (v2025)', description: 'Identity profiles under /v2025.' },
  { name: 'Identity Profiles (v2024)', description: 'Identity profiles under /v2024.' },
  { name: 'Identity Profiles (beta)', description: 'Identity profiles under /beta.' },
  { name: 'Identity Profiles (v1)', description: 'Identity profiles under /identity-profiles/v1.' },
  {
    name: 'Lifecycle States',
    description:
      "A profile's lifecycle states (its provisioning settings), in every version; beta has only GET and PATCH by id.",
  },
  { name: 'Sources', description: 'Sources and account loads (CSV).' },
  { name: 'Accounts', description: 'Accounts loaded from sources.' },
  { name: 'Identities', description: 'Identities formed and processed by the profiles.' },
  { name: 'Transforms', description: 'Named transforms that mappings reference.' },
  { name: 'Task Status', description: 'Loads and processing runs, with live progress.' },
];

/** The tab's icon (instead of Fastify's): the console's colours, "id". */
const FAVICON =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="6" fill="#1f4e79"/><text x="16" y="22" font-family="sans-serif" font-size="16" font-weight="bold" text-anchor="middle" fill="#fff">id</text></svg>';

/**
 * The page's Content-Security-Policy: everything from this server; scripts only from files (no
 * inline script at all), inline styles allowed — Swagger UI sets style attributes as it renders,
 * which a stricter `style-src` blocks (a console error on every load) and which cannot run code.
 * No `upgrade-insecure-requests` (Fastify's default): on a plain-HTTP address other than localhost
 * it made the browser fetch the page's own assets over HTTPS, which failed.
 */
const DOCS_CSP = [
  "default-src 'self'",
  "base-uri 'self'",
  "object-src 'none'",
  "frame-ancestors 'self'",
  "form-action 'self'",
  "script-src 'self'",
  "script-src-attr 'none'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
].join('; ');

/**
 * Our own OpenAPI, generated from the route schemas (the same ones that validate requests),
 * at `/docs/json`, and a readable API reference at `/docs`. Assets are served locally.
 * "Authorize" runs OAuth2's client-credentials flow against our token endpoint (`publicUrl`'s,
 * when the server is reached through one, else this origin's).
 */
export async function installDocs(app: FastifyInstance, options: { publicUrl?: string } = {}): Promise<void> {
  // The docs routes are public (the hook must exist before the plugins add their routes).
  app.addHook('onRoute', (route) => {
    if (route.url.startsWith('/docs')) route.config = { ...(route.config ?? {}), public: true };
  });
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'idprofiles — Identity Profiles API',
        description:
          'A self-hosted, ISC-compatible implementation of SailPoint Identity Security Cloud\'s Identity Profiles API. Get a token with POST /oauth/token (client credentials; or "Authorize" here), then call any version: /v3, /beta, /v2024, /v2025, /v2026 or /identity-profiles/v1.',
        version: VERSION,
      },
      tags: TAGS,
      components: {
        securitySchemes: {
          oauth2: {
            type: 'oauth2',
            description:
              "An API client's id and secret (`idprofiles clients create`, or the admin client printed at first start).",
            flows: { clientCredentials: { tokenUrl: `${options.publicUrl ?? ''}/oauth/token`, scopes: {} } },
          },
        },
      },
      security: [{ oauth2: [] }],
    },
    // what the routes repeat — the schemas named where they are declared (a `title`), the error
    // answers — becomes components, referenced where used
    transformObject: (document) =>
      'openapiObject' in document
        ? shareErrorResponses(shareTitledSchemas(document.openapiObject))
        : document.swaggerObject,
  });
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    // BaseLayout: without the standalone top bar (Fastify's logo and a box to explore other URLs)
    uiConfig: { docExpansion: 'none', deepLinking: true, filter: true, validatorUrl: null, layout: 'BaseLayout' },
    theme: {
      title: `idprofiles ${VERSION} — API reference`,
      favicon: [{ filename: 'favicon.svg', rel: 'icon', type: 'image/svg+xml', sizes: 'any', content: FAVICON }],
    },
    staticCSP: true,
    transformStaticCSP: () => DOCS_CSP,
    uiHooks: {},
  });
}
