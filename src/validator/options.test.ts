import { describe, expect, test } from 'vitest';
import { flag, optional, parseArgs, valued, type Grammar } from './options.js';

// Modelled on GNU sort: -u, -r, -o FILE, -k KEY, -t SEP, --output, --unique, --reverse, --key,
// --compress-program, --parallel, and two options sharing a prefix (--debug, --dictionary-order).
const sort: Grammar = {
  options: [
    flag('unique', 'u', 'unique'),
    flag('reverse', 'r', 'reverse'),
    valued('output', 'o', 'output'),
    valued('key', 'k', 'key'),
    valued('separator', 't', 'field-separator'),
    valued('compress', undefined, 'compress-program'),
    flag('debug', undefined, 'debug'),
    flag('dictionary', 'd', 'dictionary-order'),
    optional('color', undefined, ['color', 'colour']),
    optional('backup', 'b', 'backup'),
  ],
};
const opts = (args: string[], g: Grammar = sort) => parseArgs(args, g).options.map((o) => [o.name, o.value]);

describe('parseArgs', () => {
  test('combined short flags and a value-taking letter', () => {
    expect(opts(['-uo', 'F', 'in'])).toEqual([['unique', null], ['output', 'F']]);
    expect(opts(['-uoF', 'in'])).toEqual([['unique', null], ['output', 'F']]);
    expect(opts(['-ou', 'in'])).toEqual([['output', 'u']]);
    expect(parseArgs(['-uo', 'F', 'in'], sort).operands).toEqual([{ value: 'in', index: 2 }]);
  });

  test('long options: =V, next word, abbreviation, exact match wins, ambiguity', () => {
    expect(opts(['--output=/x'])).toEqual([['output', '/x']]);
    expect(opts(['--output', '/x'])).toEqual([['output', '/x']]);
    expect(opts(['--out=/x'])).toEqual([['output', '/x']]);
    expect(opts(['--o', '/x'])).toEqual([['output', '/x']]);
    expect(opts(['--debug'])).toEqual([['debug', null]]);
    expect(parseArgs(['--d'], sort).ambiguous).toEqual(['--d']);
    expect(opts(['--de'])).toEqual([['debug', null]]);
    expect(opts(['--deb'])).toEqual([['debug', null]]);
    expect(opts(['--c=x'])).toEqual([]);
    expect(parseArgs(['--c=x'], sort).ambiguous).toEqual(['--c']);
    expect(opts(['--co', 'x'])).toEqual([]);
    expect(opts(['--com', 'x'])).toEqual([['compress', 'x']]);
    expect(opts(['--col'])).toEqual([['color', null]]);
    // Aliases of one option are not ambiguous.
    expect(opts(['--colo=always'])).toEqual([['color', 'always']]);
  });

  test('exact match wins over a longer option it is a prefix of', () => {
    const g: Grammar = { options: [flag('a', undefined, 'all'), flag('b', undefined, 'allow')] };
    expect(opts(['--all'], g)).toEqual([['a', null]]);
    expect(parseArgs(['--al'], g).ambiguous).toEqual(['--al']);
    expect(opts(['--allo'], g)).toEqual([['b', null]]);
  });

  test('abbreviate: false matches long names exactly', () => {
    expect(parseArgs(['--out=x'], { ...sort, abbreviate: false }).unknown).toEqual(['--out']);
  });

  test('optional values are only attached', () => {
    expect(opts(['-bX'])).toEqual([['backup', 'X']]);
    expect(opts(['-b', 'X'])).toEqual([['backup', null]]);
    expect(parseArgs(['-b', 'X'], sort).operands.map((o) => o.value)).toEqual(['X']);
    expect(opts(['--backup', 'X'])).toEqual([['backup', null]]);
    expect(opts(['--backup=X'])).toEqual([['backup', 'X']]);
  });

  test('-- ends options; a lone - is an operand', () => {
    const p = parseArgs(['-u', '--', '-o', 'x', '-'], sort);
    expect(p.options.map((o) => o.name)).toEqual(['unique']);
    expect(p.operands.map((o) => o.value)).toEqual(['-o', 'x', '-']);
    expect(parseArgs(['-', '-o', 'f'], sort).options.map((o) => o.name)).toEqual(['output']);
  });

  test('permutation: options after operands are options; POSIX mode stops at the first operand', () => {
    expect(opts(['in', '-o', 'F'])).toEqual([['output', 'F']]);
    const p = parseArgs(['in', '-o', 'F'], { ...sort, permute: false });
    expect(p.options).toEqual([]);
    expect(p.operands.map((o) => o.value)).toEqual(['in', '-o', 'F']);
  });

  test('a value is never an option or an operand', () => {
    const p = parseArgs(['-k', '-o', 'x', '-t', '--', 'y'], sort);
    expect(p.options.map((o) => [o.name, o.value])).toEqual([['key', '-o'], ['separator', '--']]);
    expect(p.operands.map((o) => o.value)).toEqual(['x', 'y']);
    expect(parseArgs(['--output', '--', 'x'], sort).options[0]).toMatchObject({ name: 'output', value: '--', index: 0, valueIndex: 1 });
  });

  test('unknown options, a value given to a flag, a missing value', () => {
    const p = parseArgs(['-uzq', '--frob', '--unique=1', '-o'], sort);
    expect(p.unknown).toEqual(['-z', '-q', '--frob', '--unique=']);
    expect(p.missingValue).toEqual(['-o']);
    expect(parseArgs(['--output'], sort).missingValue).toEqual(['--output']);
  });

  test('raw spelling and indexes', () => {
    const p = parseArgs(['x', '--out', 'F', '-uk1'], sort);
    expect(p.options).toEqual([
      { name: 'output', value: 'F', raw: '--out', index: 1, valueIndex: 2 },
      { name: 'unique', value: null, raw: '-u', index: 3, valueIndex: null },
      { name: 'key', value: '1', raw: '-k', index: 3, valueIndex: 3 },
    ]);
  });

  test('numeric options (head -5)', () => {
    const g: Grammar = { options: [valued('lines', 'n', 'lines')], numeric: 'lines' };
    expect(opts(['-5', 'f'], g)).toEqual([['lines', '5']]);
    expect(parseArgs(['-5', 'f'], { options: g.options }).unknown).toEqual(['-5']);
  });

  test('getopt_long_only / single-dash long options', () => {
    const g: Grammar = { singleDashLong: true, options: [valued('name', undefined, 'name'), flag('print', undefined, 'print'), flag('x', 'x'), flag('y', 'y'), valued('batch', 'b', 'batch')] };
    expect(opts(['-name', 'a', '-print'], g)).toEqual([['name', 'a'], ['print', null]]);
    expect(opts(['-pr'], g)).toEqual([['print', null]]);
    expect(opts(['-xy'], g)).toEqual([['x', null], ['y', null]]);
    expect(opts(['-b', 'f'], g)).toEqual([['batch', 'f']]);
    expect(opts(['-bat', 'f'], g)).toEqual([['batch', 'f']]);
    expect(opts(['-bf'], g)).toEqual([['batch', 'f']]);
    expect(parseArgs(['-zz'], g).unknown).toEqual(['-zz']);
  });

  test("gawk's -W long", () => {
    const g: Grammar = { permute: false, wLong: 'W', options: [valued('W', 'W'), valued('include', 'i', 'include'), flag('version', 'V', 'version')] };
    expect(opts(['-W', 'version'], g)).toEqual([['version', null]]);
    expect(opts(['-Wincl=inplace'], g)).toEqual([['include', 'inplace']]);
    expect(opts(['-W', 'include', 'inplace', 'prog'], g)).toEqual([['include', 'inplace']]);
    expect(parseArgs(['-W', 'include', 'inplace', 'prog'], g).operands.map((o) => o.value)).toEqual(['prog']);
  });
});
