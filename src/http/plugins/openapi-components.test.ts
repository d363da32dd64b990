import { describe, expect, it } from 'vitest';
import { shareErrorResponses, shareTitledSchemas } from './openapi-components.js';

const ErrorSchema = { title: 'ErrorResponseDto', type: 'object', properties: { detailCode: { type: 'string' } } };
const json = (schema: unknown) => ({ content: { 'application/json': { schema } } });

describe('shareTitledSchemas', () => {
  it('emits each titled schema once, nested ones too, and references it where it was', () => {
    const Reference = { title: 'Reference', type: 'object', properties: { id: { type: 'string' } } };
    const Profile = { title: 'Profile', type: 'object', properties: { owner: Reference, source: Reference } };
    const doc = shareTitledSchemas({
      paths: { '/p': { get: { responses: { 200: json({ type: 'array', items: Profile }), 400: json(ErrorSchema) } } } },
      components: { securitySchemes: {} },
    });
    expect(doc.paths['/p'].get.responses[200]).toEqual(
      json({ type: 'array', items: { $ref: '#/components/schemas/Profile' } }),
    );
    expect(doc.components).toEqual({
      securitySchemes: {},
      schemas: {
        ErrorResponseDto: ErrorSchema,
        Profile: {
          ...Profile,
          properties: {
            owner: { $ref: '#/components/schemas/Reference' },
            source: { $ref: '#/components/schemas/Reference' },
          },
        },
        Reference,
      },
    });
  });

  it('refuses one title on two different schemas (a shape that differs per version needs its own name)', () => {
    const v3 = { title: 'LifecycleState', type: 'object', properties: { a: { type: 'string' } } };
    const v2025 = { ...v3, properties: { a: { type: 'string' }, priority: { type: 'integer' } } };
    expect(() =>
      shareTitledSchemas({
        paths: {
          '/v3': { get: { responses: { 200: json(v3) } } },
          '/v2025': { get: { responses: { 200: json(v2025) } } },
        },
      }),
    ).toThrow('two different schemas are titled "LifecycleState"');
  });

  it('leaves data alone: a `title` inside an example or default names nothing', () => {
    const schema = { type: 'object', default: { title: 'Mr' }, example: { title: 'Dr' } };
    const doc = shareTitledSchemas({ paths: { '/p': { post: { requestBody: json(schema) } } } });
    expect(doc.paths['/p'].post.requestBody).toEqual(json(schema));
    expect(doc.components).toEqual({ schemas: {} });
  });
});

describe('shareErrorResponses', () => {
  it('shares the answer most operations give for each error status, and leaves a different one inline', () => {
    const iscError = { description: 'ISC error body', ...json({ $ref: '#/components/schemas/ErrorResponseDto' }) };
    const oauthError = {
      description: 'Default Response',
      ...json({ type: 'object', properties: { error: { type: 'string' } } }),
    };
    const doc = shareErrorResponses({
      paths: {
        '/a': {
          get: { responses: { 200: { description: 'ok' }, 400: iscError } },
          delete: { responses: { 400: iscError } },
        },
        '/oauth/token': { post: { responses: { 400: oauthError } } },
      },
    });
    expect(doc.paths['/a'].get.responses).toEqual({
      200: { description: 'ok' },
      400: { $ref: '#/components/responses/400' },
    });
    expect(doc.paths['/a'].delete.responses).toEqual({ 400: { $ref: '#/components/responses/400' } });
    expect(doc.paths['/oauth/token'].post.responses).toEqual({ 400: oauthError });
    expect(doc.components).toEqual({ responses: { 400: { ...iscError, description: 'Bad Request: ISC error body' } } });
  });
});
