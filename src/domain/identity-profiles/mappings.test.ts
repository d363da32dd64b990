import { describe, expect, it } from 'vitest';
import type { Repositories } from '../context.js';
import { checkTransformDefinition } from '../transforms/check.js';
import { checkMappings } from './mappings.js';
import { walkTransforms } from './transform-tree.js';

/** Repositories that know one source ('HR', id 'hr-1') and no transforms, counting every lookup. */
function countingRepos() {
  const lookups: string[] = [];
  const hr = { id: 'hr-1', name: 'HR' };
  const repos = {
    sources: {
      findById: async (id: string) => {
        lookups.push(`source id ${id}`);
        return id === hr.id ? hr : undefined;
      },
      findByName: async (name: string) => {
        lookups.push(`source name ${name}`);
        return name === hr.name ? hr : undefined;
      },
    },
    transforms: {
      all: async () => [],
      findByName: async (name: string) => {
        lookups.push(`transform ${name}`);
        return undefined;
      },
    },
  } as unknown as Repositories;
  return { repos, lookups };
}

const column = (attributeName: string, source: Record<string, string>) => ({
  type: 'accountAttribute',
  attributes: { attributeName, ...source },
});

describe('checkMappings', () => {
  it('looks each named source and transform up once, however many mappings name it', async () => {
    const { repos, lookups } = countingRepos();
    const attributeTransforms = Array.from({ length: 1000 }, (_, i) => ({
      identityAttributeName: `a${i}`,
      transformDefinition:
        i % 2
          ? column(`c${i}`, { sourceName: 'HR' })
          : { type: 'lower', attributes: { input: column(`c${i}`, { sourceId: 'hr-1' }) } },
    }));
    await checkMappings(repos, { attributeTransforms }, checkTransformDefinition);
    expect(lookups.sort()).toEqual(['source id hr-1', 'source name HR']);
  });

  it('still names every mapping whose source or transform is missing', async () => {
    const { repos, lookups } = countingRepos();
    const attributeTransforms = ['a', 'b'].map((name) => ({
      identityAttributeName: name,
      transformDefinition: {
        type: 'concat',
        attributes: {
          values: [column('x', { sourceName: 'Gone' }), { type: 'reference', attributes: { id: 'missing' } }],
        },
      },
    }));
    await expect(checkMappings(repos, { attributeTransforms }, checkTransformDefinition)).rejects.toMatchObject({
      status: 400,
      causes: [
        "identityAttributeConfig.attributeTransforms[0] (a): transformDefinition.attributes.values[0].attributes.sourceName: source 'Gone' does not exist",
        "identityAttributeConfig.attributeTransforms[0] (a): transformDefinition.attributes.values[1].attributes.id: transform 'missing' does not exist",
        "identityAttributeConfig.attributeTransforms[1] (b): transformDefinition.attributes.values[0].attributes.sourceName: source 'Gone' does not exist",
        "identityAttributeConfig.attributeTransforms[1] (b): transformDefinition.attributes.values[1].attributes.id: transform 'missing' does not exist",
      ],
    });
    expect(lookups.sort()).toEqual(['source name Gone', 'transform missing']);
  });
});

describe('walkTransforms', () => {
  it('finds every nested transform with its path, through objects and lists, and nothing in plain values', () => {
    const definition = {
      type: 'firstValid',
      attributes: {
        values: [column('a', { sourceName: 'HR' }), 'literal', { type: 'static', attributes: { value: 'x' } }],
        table: Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`k${i}`, `v${i}`])),
        nested: { deeper: { type: 'upper', attributes: { input: column('b', { sourceName: 'HR' }) } } },
      },
    };
    expect([...walkTransforms(definition, 'd')].map((n) => `${n.path} ${n.type}`)).toEqual([
      'd firstValid',
      'd.attributes.values[0] accountAttribute',
      'd.attributes.values[2] static',
      'd.attributes.nested.deeper upper',
      'd.attributes.nested.deeper.attributes.input accountAttribute',
    ]);
  });
});
