import { describe, expect, it } from 'vitest';
import { parseSorters } from './sorters.js';

/** The identity-profile list endpoint's sorters (spec §3a). */
const LIST = {
  id: 'ip.id',
  name: 'ip.name',
  priority: 'ip.priority',
  created: 'ip.created',
  modified: 'ip.modified',
  'owner.id': 'ip.owner_id',
  'owner.name': 'ip.owner_name',
};
const SUPPORTED = 'supported: id, name, priority, created, modified, owner.id, owner.name';

describe('parseSorters', () => {
  it.each([
    [
      'id,name',
      [
        ['id', 'ip.id', 'asc'],
        ['name', 'ip.name', 'asc'],
      ],
    ],
    [
      'name,-priority',
      [
        ['name', 'ip.name', 'asc'],
        ['priority', 'ip.priority', 'desc'],
      ],
    ],
    ['-owner.name', [['owner.name', 'ip.owner_name', 'desc']]],
    [
      ' created , -modified ',
      [
        ['created', 'ip.created', 'asc'],
        ['modified', 'ip.modified', 'desc'],
      ],
    ],
    ['', []],
    ['   ', []],
  ] as const)('%j', (text, expected) => {
    expect(parseSorters(text, LIST).map((s) => [s.field, s.column, s.direction])).toEqual(expected);
  });

  it.each([
    ['foo', 'unsupported_sorter', 0, `Unsupported sorter 'foo' at position 0; ${SUPPORTED}`],
    ['name,-Priority', 'unsupported_sorter', 6, `Unsupported sorter 'Priority' at position 6; ${SUPPORTED}`],
    ['id, owner', 'unsupported_sorter', 4, `Unsupported sorter 'owner' at position 4; ${SUPPORTED}`],
    ['+name', 'unsupported_sorter', 0, `Unsupported sorter '+name' at position 0; ${SUPPORTED}`],
    ['--name', 'unsupported_sorter', 1, `Unsupported sorter '-name' at position 1; ${SUPPORTED}`],
    ['- name', 'unsupported_sorter', 1, `Unsupported sorter ' name' at position 1; ${SUPPORTED}`],
    ['constructor', 'unsupported_sorter', 0, `Unsupported sorter 'constructor' at position 0; ${SUPPORTED}`],
    ['id,,name', 'invalid_sorter', 3, 'expected a field name at position 3'],
    ['id,', 'invalid_sorter', 3, 'expected a field name at position 3'],
    [',id', 'invalid_sorter', 0, 'expected a field name at position 0'],
    ['id, -', 'invalid_sorter', 4, "expected a field name after '-' at position 4"],
    ['name,-name', 'invalid_sorter', 6, "Duplicate sorter 'name' at position 6; each field may appear once"],
  ] as const)('%j → %s at %i', (text, code, position, message) => {
    const detail = message.replace(` at position ${position}`, '');
    expect(() => parseSorters(text, LIST)).toThrow(
      expect.objectContaining({ name: 'QueryError', code, position, message, detail, parameter: 'sorters' }),
    );
  });

  it('explains when an endpoint allows no sorting', () => {
    expect(() => parseSorters('name', {})).toThrow(
      "Unsupported sorter 'name' at position 0; this endpoint supports no sorting",
    );
  });
});
