/**
 * rule and reference.
 * - rule: only the built-in Cloud Services Deployment Utility operations run here
 *   (getEndOfString, generateRandomString, getReferenceIdentityAttribute). Any other rule
 *   compiles but fails when evaluated (customer BeanShell rules cannot run on this server).
 * - reference: evaluates a stored transform by name with this node's resolved input as its
 *   implicit input (doc §4.22); unknown names and cycles are compile errors.
 */
import { attrPath, inputOf, stringLiteral } from '../attrs.js';
import type { Compiler, NodeInfo, OpCompiler } from '../compiler.js';
import { compileFail, fail } from '../errors.js';
import type { Evaluator } from '../runtime.js';
import { referenceIdentityAttribute } from './identity.js';
import { generateRandomString } from './random.js';
import { endOfString } from './text.js';

export const CSDU_RULE = 'Cloud Services Deployment Utility';

const CSDU_OPERATIONS: Record<string, OpCompiler> = {
  getEndOfString: endOfString,
  generateRandomString,
  getReferenceIdentityAttribute: referenceIdentityAttribute,
};

function rule(node: NodeInfo, c: Compiler): Evaluator {
  const name = stringLiteral(node, 'name', c, true) as string;
  if (name.trim().toLowerCase() !== CSDU_RULE.toLowerCase()) {
    const message = `rule "${name}" cannot run on this server (only the ${CSDU_RULE} operations are supported)`;
    return () => fail(message, node.path);
  }
  const operation = stringLiteral(node, 'operation', c, true) as string;
  const op = Object.hasOwn(CSDU_OPERATIONS, operation) ? CSDU_OPERATIONS[operation] : undefined;
  if (!op) {
    compileFail(
      `unknown ${CSDU_RULE} operation "${operation}" (supported: ${Object.keys(CSDU_OPERATIONS).join(', ')})`,
      attrPath(node, 'operation'),
    );
  }
  return op(node, c);
}

function reference(node: NodeInfo, c: Compiler): Evaluator {
  const id = stringLiteral(node, 'id', c, true) as string;
  const input = inputOf(node, c);
  const target = c.reference(id, node.path, node.depth);
  return (implicit, run) => target(input(implicit, run), run);
}

export const RULE_OPERATIONS: Record<string, OpCompiler> = { rule, reference };
