/**
 * Writes our OpenAPI document (generated from the route schemas) to openapi.json.
 * `npm run openapi:export`; a test fails when the committed file is out of date.
 */
import { writeFileSync } from 'node:fs';
import { buildOpenApiDocument } from '../test/helpers/openapi.js';

const doc = await buildOpenApiDocument();
writeFileSync(new URL('../openapi.json', import.meta.url), `${JSON.stringify(doc, null, 2)}\n`);
process.stdout.write(`openapi.json: ${Object.keys((doc as { paths: object }).paths).length} paths\n`);
