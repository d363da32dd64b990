import { AppError } from '../../errors.js';
import type { Repositories } from '../context.js';
import { mappingsBudget } from '../identities/evaluate.js';
import type { CheckOptions } from '../transforms/check.js';
import type { IdentityAttributeConfig } from './schema.js';
import { walkTransforms } from './transform-tree.js';

/** Compiles a transform definition and lists what is wrong with it, by path (the transform engine). */
export type DefinitionChecker = (
  definition: unknown,
  options?: CheckOptions,
) => Array<{ path: string; message: string }>;

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
  const stored = mappings.length
    ? new Map((await repos.transforms.all()).map((t) => [t.name.toLowerCase(), t]))
    : new Map();
  const lookup = (name: string) => stored.get(name.toLowerCase());
  const budget = mappingsBudget(); // the mappings together: as processing will compile them
  const exists = existenceChecks(repos);
  for (const [i, mapping] of mappings.entries()) {
    if (budget.exceeded) break; // every later mapping would only repeat it
    const where = `identityAttributeConfig.attributeTransforms[${i}] (${mapping.identityAttributeName})`;
    if (seen.has(mapping.identityAttributeName))
      problems.push(`${where}: identity attribute '${mapping.identityAttributeName}' is mapped more than once`);
    seen.add(mapping.identityAttributeName);
    const missing = await checkReferences(exists, mapping);
    for (const p of missing) problems.push(`${where}: ${p}`);
    if (missing.length) continue; // the compiler would only repeat it less clearly
    for (const p of checkDefinition(mapping.transformDefinition, { transforms: lookup, budget })) {
      problems.push(`${where}: transformDefinition${p.path ? `.${p.path}` : ''}: ${p.message}`);
    }
  }
  if (problems.length)
    throw new AppError('mapping_invalid', `Invalid identity attribute mapping: ${problems[0]}`, problems);
}

/**
 * Does a source or named transform exist? Each asked once per save: 1,000 mappings naming one
 * source made 1,000 lookups (on PGlite ~0.1 ms of event loop each).
 */
function existenceChecks(repos: Repositories) {
  const once = (find: (key: string) => Promise<unknown>) => {
    const answers = new Map<string, Promise<boolean>>();
    return (key: string) => {
      let answer = answers.get(key);
      if (!answer) answers.set(key, (answer = find(key).then((found) => found !== undefined)));
      return answer;
    };
  };
  return {
    sourceId: once((id) => repos.sources.findById(id)),
    sourceName: once((name) => repos.sources.findByName(name)),
    transform: once((name) => repos.transforms.findByName(name)),
  };
}

/** Sources and named transforms that a definition names, anywhere in its tree, must exist. */
async function checkReferences(exists: ReturnType<typeof existenceChecks>, mapping: Mapping): Promise<string[]> {
  const problems: string[] = [];
  for (const node of walkTransforms(mapping.transformDefinition, 'transformDefinition')) {
    const attrs = node.attributes;
    if (node.type === 'accountAttribute') {
      if (typeof attrs.sourceId === 'string' && !(await exists.sourceId(attrs.sourceId))) {
        problems.push(`${node.path}.attributes.sourceId: source '${attrs.sourceId}' does not exist`);
      } else if (
        typeof attrs.sourceName === 'string' &&
        attrs.sourceId === undefined &&
        !(await exists.sourceName(attrs.sourceName))
      ) {
        problems.push(`${node.path}.attributes.sourceName: source '${attrs.sourceName}' does not exist`);
      }
    }
    if (node.type === 'reference' && typeof attrs.id === 'string' && !(await exists.transform(attrs.id))) {
      problems.push(`${node.path}.attributes.id: transform '${attrs.id}' does not exist`);
    }
  }
  return problems;
}
