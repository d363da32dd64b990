/**
 * Renders a filter AST back to filter text, with every operand of `and`, `or`
 * and `not` in parentheses so precedence is visible. Literals keep their
 * source spelling, so the output parses back to the same tree.
 * @example formatFilter(parseFilter('not a eq 1 or b eq 2 and c eq 3'))
 *   // '(not (a eq 1)) or ((b eq 2) and (c eq 3))'
 */
import type { FilterNode } from './ast.js';

export function formatFilter(node: FilterNode): string {
  switch (node.kind) {
    case 'comparison':
      return `${node.field.name} ${node.operator} ${node.value.raw}`;
    case 'list':
      return `${node.field.name} ${node.operator} (${node.values.map((v) => v.raw).join(', ')})`;
    case 'present':
      return `pr ${node.field.name}`;
    case 'isnull':
      return `${node.field.name} isnull`;
    case 'and':
    case 'or':
      return node.operands.map((o) => `(${formatFilter(o)})`).join(` ${node.kind} `);
    case 'not':
      return `not (${formatFilter(node.operand)})`;
  }
}
