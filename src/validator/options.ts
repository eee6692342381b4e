/**
 * A getopt / getopt_long-faithful command-line parser driven by a grammar (data, one per tool).
 *
 * It reads arguments the way GNU getopt_long does: `--` ends the options; a lone `-` is an
 * operand; short options combine (`-abc`), and a value-taking letter takes the rest of its
 * word or else the next word (`-uoFILE`, `-uo FILE`); `--long=V` and, for a required value,
 * `--long V`; an optional value is only ever attached (`-oV`, `--opt=V`, getopt's `::`); any
 * unambiguous prefix of a long option is that option (an exact match wins, a prefix shared by
 * two different options is ambiguous); options may follow operands unless the grammar says
 * otherwise (POSIX mode, getopt's leading `+`). Pure: no I/O, no state.
 */

/** Whether an option takes a value: none, a required one (attached or the next word), or an optional one (attached only). */
export type Arity = 'none' | 'required' | 'optional';

/** One option: its canonical name, its short letter and/or long names, and whether it takes a value. */
export interface OptionSpec {
  /** Canonical name the caller matches on, e.g. 'output'. Several specs may share a name (aliases). */
  readonly name: string;
  /** The short letter, without the dash ('o'). */
  readonly short?: string;
  /** The long name(s), without the dashes ('output'). */
  readonly long?: string | readonly string[];
  readonly arity: Arity;
}

/** How a tool reads its arguments. */
export interface Grammar {
  readonly options: readonly OptionSpec[];
  /** GNU permutation: options may follow operands (default true). False: the first operand ends the options (POSIX, getopt's `+`). */
  readonly permute?: boolean;
  /** getopt_long_only (and find/gdb style): `-name` is first tried as a long option, then as short letters. */
  readonly singleDashLong?: boolean;
  /** Any unambiguous prefix of a long option is that option (default true; false for tools that match long names exactly). */
  readonly abbreviate?: boolean;
  /** A word `-NUM` (digits only) is the option of this name with the digits as its value (head -5, tail -20, fold -80). */
  readonly numeric?: string;
  /** gawk's `-W name[=V]` (getopt's `W;`): this short letter's value is read as the long option `--name[=V]`. */
  readonly wLong?: string;
}

/** An option found on the command line. */
export interface ParsedOption {
  /** The spec's canonical name. */
  readonly name: string;
  /** Its value, or null when it has none. */
  readonly value: string | null;
  /** How it was spelled: `-o`, `--out` (the prefix as typed), `-W out`. */
  readonly raw: string;
  /** Index in args of the word that holds the option. */
  readonly index: number;
  /** Index in args of the word that holds the value (the same word when attached), or null. */
  readonly valueIndex: number | null;
}

/** An operand (non-option argument). */
export interface Operand {
  readonly value: string;
  readonly index: number;
}

/** The result of parsing: options and operands in order, and what could not be read. */
export interface ParsedArgs {
  options: ParsedOption[];
  operands: Operand[];
  /** Options the grammar does not know, as spelled (`-x`, `--frob`); also a value given to a long option that takes none. */
  unknown: string[];
  /** Long-option prefixes that match two or more different options. */
  ambiguous: string[];
  /** Options that need a value and have none (the last word). */
  missingValue: string[];
}

const longNames = (s: OptionSpec): readonly string[] => (s.long === undefined ? [] : typeof s.long === 'string' ? [s.long] : s.long);

/** The spec of a long name: exact match, else the unambiguous prefix; 'ambiguous' when the prefix names two options. */
function findLong(name: string, grammar: Grammar): OptionSpec | 'ambiguous' | null {
  let found: OptionSpec | null = null;
  let ambiguous = false;
  for (const s of grammar.options) {
    for (const l of longNames(s)) {
      if (l === name) return s;
      if (grammar.abbreviate !== false && name !== '' && l.startsWith(name)) {
        // getopt_long: prefixes of several entries are ambiguous unless they are the same option.
        if (found === null) found = s;
        else if (found.name !== s.name || found.arity !== s.arity) ambiguous = true;
      }
    }
  }
  return ambiguous ? 'ambiguous' : found;
}

function findShort(letter: string, grammar: Grammar): OptionSpec | null {
  return grammar.options.find((s) => s.short === letter) ?? null;
}

/** Parses args (without the program name) as getopt_long would with this grammar. */
export function parseArgs(args: readonly string[], grammar: Grammar): ParsedArgs {
  const out: ParsedArgs = { options: [], operands: [], unknown: [], ambiguous: [], missingValue: [] };
  const permute = grammar.permute !== false;
  let optionsEnd = false;

  /** A long option `body` (name[=value]) in args[i]; returns how many extra words it used. */
  const long = (body: string, i: number, raw: string): number => {
    const eq = body.indexOf('=');
    const name = eq === -1 ? body : body.slice(0, eq);
    const spec = findLong(name, grammar);
    const spelled = `${raw}${name}`;
    if (spec === 'ambiguous') {
      out.ambiguous.push(spelled);
      return 0;
    }
    if (spec === null) {
      out.unknown.push(spelled);
      return 0;
    }
    if (eq !== -1) {
      if (spec.arity === 'none') out.unknown.push(`${spelled}=`);
      else out.options.push({ name: spec.name, value: body.slice(eq + 1), raw: spelled, index: i, valueIndex: i });
      return 0;
    }
    if (spec.arity === 'required') {
      const next = args[i + 1];
      if (next === undefined) {
        out.missingValue.push(spelled);
        return 0;
      }
      out.options.push({ name: spec.name, value: next, raw: spelled, index: i, valueIndex: i + 1 });
      return 1;
    }
    out.options.push({ name: spec.name, value: null, raw: spelled, index: i, valueIndex: null });
    return 0;
  };

  /** Short letters in args[i] after the dash; returns how many extra words they used. */
  const shorts = (word: string, i: number): number => {
    for (let k = 1; k < word.length; k++) {
      const letter = word[k]!;
      const spec = findShort(letter, grammar);
      if (spec === null) {
        out.unknown.push(`-${letter}`);
        continue;
      }
      const rest = word.slice(k + 1);
      if (spec.arity === 'none') {
        out.options.push({ name: spec.name, value: null, raw: `-${letter}`, index: i, valueIndex: null });
        continue;
      }
      let value: string | null = rest !== '' ? rest : null;
      let used = 0;
      if (value === null && spec.arity === 'required') {
        const next = args[i + 1];
        if (next === undefined) {
          out.missingValue.push(`-${letter}`);
          return 0;
        }
        value = next;
        used = 1;
      }
      if (grammar.wLong === letter && value !== null) {
        // -W name[=V] is --name[=V]; a required value of that long option would be the following word.
        const extra = long(value, i + used, `-${letter} `);
        return used + extra;
      }
      out.options.push({ name: spec.name, value, raw: `-${letter}`, index: i, valueIndex: value === null ? null : i + used });
      return used;
    }
    return 0;
  };

  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (optionsEnd || a === '-' || !a.startsWith('-')) {
      out.operands.push({ value: a, index: i });
      if (!permute) optionsEnd = true;
      continue;
    }
    if (a === '--') {
      optionsEnd = true;
      continue;
    }
    if (a.startsWith('--')) {
      i += long(a.slice(2), i, '--');
      continue;
    }
    if (grammar.numeric !== undefined && /^-\d+$/.test(a)) {
      out.options.push({ name: grammar.numeric, value: a.slice(1), raw: a, index: i, valueIndex: i });
      continue;
    }
    if (grammar.singleDashLong === true) {
      // getopt_long_only: a long option when the word names one (or its prefix does), unless it is
      // a single letter that is a short option; otherwise short letters.
      const body = a.slice(1);
      const name = body.split('=')[0]!;
      const spec = findLong(name, grammar);
      const isShort = body.length === 1 && findShort(body, grammar) !== null;
      if (!isShort && (spec !== null || findShort(body[0]!, grammar) === null)) {
        i += long(body, i, '-');
        continue;
      }
    }
    i += shorts(a, i);
  }
  return out;
}

/** Shorthand for grammars: a flag (no value). */
export const flag = (name: string, short?: string, long?: string | readonly string[]): OptionSpec => spec(name, 'none', short, long);
/** Shorthand for grammars: an option with a required value. */
export const valued = (name: string, short?: string, long?: string | readonly string[]): OptionSpec => spec(name, 'required', short, long);
/** Shorthand for grammars: an option with an optional, attached-only value. */
export const optional = (name: string, short?: string, long?: string | readonly string[]): OptionSpec => spec(name, 'optional', short, long);

function spec(name: string, arity: Arity, short: string | undefined, long: string | readonly string[] | undefined): OptionSpec {
  return { name, arity, ...(short !== undefined && short !== '' ? { short } : {}), ...(long !== undefined ? { long } : {}) };
}
