/** The Velocity subset used by transform templates (doc §5): parse once, render many times. */
export type { Template } from './ast.js';
export { parseTemplate } from './parser.js';
export { renderTemplate, type TemplateVars } from './render.js';
