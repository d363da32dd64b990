/**
 * The Velocity subset used by transform templates (doc §5): parse once, render many times.
 *
 * Why not `velocityjs`: it renders with no step, output or list-size bounds (`#foreach` over
 * `[1..100000000]` materialises the range; `#macro` may recurse without limit), and calls
 * JavaScript methods of context values directly, guarding the prototype chain only by a
 * deny-list added late in its history. Transforms need a small, fully bounded subset with
 * Java-like members, so this module implements exactly that: every node, expression and
 * loop iteration costs a step of the evaluation budget, output and lists are capped, parse
 * nesting is capped, and members resolve only through explicit tables (members.ts,
 * host-objects.ts), never through JavaScript property lookup on arbitrary objects.
 */
export type { Template } from './ast.js';
export { parseTemplate } from './parser.js';
export { renderTemplate, type TemplateVars } from './render.js';
