import { ERRORS } from '../../errors.js';
import type { Repositories } from '../context.js';
import { mappingsBudget } from '../identities/evaluate.js';
import type { CheckOptions } from '../transforms/check.js';
import type { IdentityAttributeConfig } from './schema.js';

/** Compiles a transform definition and lists what is wrong with it, by path (the transform engine). */
export type DefinitionChecker = (definition: unknown, options?: CheckOptions) => Array<{ path: string; message: string }>;

type Mapping = NonNullable<IdentityAttributeConfig['attributeTransforms']>[number];

/**
 * Validation on save (product "beyond ISC"): every mapping's transform must compile, sources it
 * names must exist and referenced transforms must be stored. One 400 lists every problem, each
 * naming its mapping, e.g. `identityAttributeConfig.attributeTransforms[2] (email): ...`.
 */
export async function checkMappings(
  repos: Repositories,
  config: IdentityAttributeConfig | undefined,
  checkDefinition: DefinitionChecker,
): Promise<void> {
  const problems: string[] = [];
  const seen = new Set<string>();
  const mappings = config?.attributeTransforms ?? [];
  const stored = mappings.length ? new Map((await repos.transforms.all()).map((t) => [t.name.toLowerCase(), t])) : new Map();
  const lookup = (name: string) => stored.get(name.toLowerCase());
  const budget = mappingsBudget(); // the mappings together: as processing will compile them
  for (const [i, mapping] of mappings.entries()) {
    if (budget.exceeded) break; // every later mapping would only repeat it
    const where = `identityAttributeConfig.attributeTransforms[${i}] (${mapping.identityAttributeName})`;
    if (seen.has(mapping.identityAttributeName)) problems.push(`${where}: identity attribute '${mapping.identityAttributeName}' is mapped more than once`);
    seen.add(mapping.identityAttributeName);
    const missing = await checkReferences(repos, mapping);
    for (const p of missing) problems.push(`${where}: ${p}`);
    if (missing.length) continue; // the compiler would only repeat it less clearly
    for (const p of checkDefinition(mapping.transformDefinition, { transforms: lookup, budget })) {
      problems.push(`${where}: transformDefinition${p.path ? `.${p.path}` : ''}: ${p.message}`);
    }
  }
  if (problems.length) throw ERRORS.badRequest(`Invalid identity attribute mapping: ${problems[0]}`, problems);
}

/** Sources and named transforms that a definition names, anywhere in its tree, must exist. */
async function checkReferences(repos: Repositories, mapping: Mapping): Promise<string[]> {
  const problems: string[] = [];
  for (const node of walkTransforms(mapping.transformDefinition, 'transformDefinition')) {
    const attrs = node.attributes;
    if (node.type === 'accountAttribute') {
      if (typeof attrs.sourceId === 'string' && !(await repos.sources.findById(attrs.sourceId))) {
        problems.push(`${node.path}.attributes.sourceId: source '${attrs.sourceId}' does not exist`);
      } else if (typeof attrs.sourceName === 'string' && attrs.sourceId === undefined && !(await repos.sources.findByName(attrs.sourceName))) {
        problems.push(`${node.path}.attributes.sourceName: source '${attrs.sourceName}' does not exist`);
      }
    }
    if (node.type === 'reference' && typeof attrs.id === 'string' && !(await repos.transforms.findByName(attrs.id))) {
      problems.push(`${node.path}.attributes.id: transform '${attrs.id}' does not exist`);
    }
  }
  return problems;
}

interface TransformNode {
  type: string;
  attributes: Record<string, any>;
  path: string;
}

/** Every nested `{type, attributes}` object in a definition, with its path. */
export function* walkTransforms(value: unknown, path: string): Generator<TransformNode> {
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) yield* walkTransforms(v, `${path}[${i}]`);
    return;
  }
  if (!value || typeof value !== 'object') return;
  const obj = value as Record<string, unknown>;
  if (typeof obj.type === 'string') {
    const attributes = (obj.attributes && typeof obj.attributes === 'object' ? obj.attributes : {}) as Record<string, any>;
    yield { type: obj.type, attributes, path };
    for (const [k, v] of Object.entries(attributes)) yield* walkTransforms(v, `${path}.attributes.${k}`);
    return;
  }
  for (const [k, v] of Object.entries(obj)) yield* walkTransforms(v, `${path}.${k}`);
}
