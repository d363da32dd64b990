/**
 * Operations reading identities: identityAttribute, displayName and the CSDU rule operation
 * getReferenceIdentityAttribute (exported for ops/rule.ts).
 */
import { arg, attrPath, stringLiteral } from '../attrs.js';
import type { Compiler, NodeInfo, OpCompiler } from '../compiler.js';
import { fail } from '../errors.js';
import { own, toValue, valueToText, type Evaluator, type Value } from '../runtime.js';
import type { EvaluationContext, IdentityAttributes } from '../types.js';

/**
 * identityAttribute: the identity's stored attribute `name` (null when absent).
 * Decision (doc §14.28): the values given in the context (stored before this evaluation),
 * so results never depend on mapping order.
 */
function identityAttribute(node: NodeInfo, c: Compiler): Evaluator {
  const name = stringLiteral(node, 'name', c, true) as string;
  return (_input, run) => toValue(own(run.ctx.identity, name));
}

function present(v: Value): string | undefined {
  const t = valueToText(v);
  return t !== null && t.trim() !== '' ? t : undefined;
}

/**
 * displayName: (preferredName, else firstname) + " " + lastname; `attributes` content is unused.
 * Decision (doc §14.12): a missing part is left out (no stray space); nothing at all → null.
 */
function displayName(): Evaluator {
  return (_input, run) => {
    const id = run.ctx.identity ?? {};
    const given = present(toValue(id.preferredName)) ?? present(toValue(id.firstname));
    const family = present(toValue(id.lastname));
    if (given && family) return `${given} ${family}`;
    return given ?? family ?? null;
  };
}

/** Finds another identity by uid. */
export function findIdentity(ctx: EvaluationContext, uid: string): IdentityAttributes | undefined {
  const ids = ctx.identities;
  if (!ids) return undefined;
  if (typeof ids === 'function') return ids(uid) ?? undefined;
  return ids.find((i) => i.uid === uid);
}

/**
 * CSDU getReferenceIdentityAttribute: attribute `attributeName` of the identity with `uid`
 * (`manager` = the identity's manager). Decision (doc §14.24): no manager / unknown uid → null.
 */
export function referenceIdentityAttribute(node: NodeInfo, c: Compiler): Evaluator {
  const uid = arg(node, 'uid', c, true) as Evaluator;
  const attributeName = arg(node, 'attributeName', c, true) as Evaluator;
  return (input, run) => {
    const who = valueToText(uid(input, run));
    const attr = valueToText(attributeName(input, run));
    if (who === null) return null;
    if (attr === null) return fail('attributeName is null', attrPath(node, 'attributeName'));
    const other = who === 'manager' ? run.ctx.manager : findIdentity(run.ctx, who);
    return other ? toValue(own(other, attr)) : null;
  };
}

export const IDENTITY_OPERATIONS: Record<string, OpCompiler> = {
  identityAttribute,
  displayName,
};
