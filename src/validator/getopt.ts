/**
 * How a program reads its options, as data: which take a value, which long names stand for
 * which short letters. The reader below follows glibc's getopt_long, because that is what
 * the programs judged here use (procps kill and pkill, psmisc killall, strace, gdb,
 * bpftrace): combined short flags (-fp PID), attached values (-p1100, -sKILL), long
 * options with = or the next word, unique abbreviations of long names (--sig KILL), and,
 * unless the program stops at its first operand, options after the operands too.
 */

/** Whether an option takes a value: never, always (attached or the next word), or only attached. */
export type Arity = 'none' | 'required' | 'optional';

export interface LongOption {
  readonly arity: Arity;
  /** The key the option is reported under: its short letter, or its own name. */
  readonly as: string;
}

export interface OptionGrammar {
  readonly short: Readonly<Record<string, Arity>>;
  readonly long: Readonly<Record<string, LongOption>>;
  /** GNU getopt's default: options are read after operands too. false: the first operand ends them. */
  readonly permute: boolean;
  /** getopt_long_only: one dash may start a long option (gdb -pid, killall -signal). */
  readonly longOnly?: boolean;
}

/** One word (or one letter of a combined word) as getopt reads it, in the order it reads them. */
export type Parsed =
  | { kind: 'option'; key: string; value: string | null; index: number }
  | { kind: 'operand'; value: string; index: number }
  /** A short letter the program does not know; `rest` is what followed it in the word. */
  | { kind: 'unknown'; letter: string; rest: string; index: number }
  /** A long option that is unknown, ambiguous, or lacks its value; or a short one that lacks its value. */
  | { kind: 'bad'; word: string; why: 'unknown' | 'ambiguous' | 'missing-value'; index: number };

function findLong(grammar: OptionGrammar, name: string): LongOption | 'ambiguous' | undefined {
  const exact = grammar.long[name];
  if (exact !== undefined) return exact;
  const matches = Object.entries(grammar.long).filter(([n]) => n.startsWith(name));
  if (matches.length === 0) return undefined;
  const first = matches[0]![1];
  // glibc takes several prefixes that all mean the same option as that option.
  return matches.every(([, o]) => o.as === first.as && o.arity === first.arity) ? first : 'ambiguous';
}

/** Reads args as getopt_long would; `--` ends the options, and what follows it is operands. */
export function getopt(args: readonly string[], grammar: OptionGrammar): Parsed[] {
  const out: Parsed[] = [];
  const operandsFrom = (from: number): void => {
    for (let j = from; j < args.length; j++) out.push({ kind: 'operand', value: args[j]!, index: j });
  };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') {
      operandsFrom(i + 1);
      return out;
    }
    if (!a.startsWith('-') || a === '-') {
      if (!grammar.permute) {
        operandsFrom(i);
        return out;
      }
      out.push({ kind: 'operand', value: a, index: i });
      continue;
    }
    const long = a.startsWith('--') ? a.slice(2) : grammar.longOnly === true && a.length > 2 ? a.slice(1) : null;
    if (long !== null) {
      const eq = long.indexOf('=');
      const name = eq < 0 ? long : long.slice(0, eq);
      const found = findLong(grammar, name);
      // getopt_long_only falls back to short letters when no long name matches.
      const fallsBack = !a.startsWith('--') && (found === undefined || found === 'ambiguous') && grammar.short[a[1]!] !== undefined;
      if (!fallsBack) {
        if (found === undefined || found === 'ambiguous') {
          out.push({ kind: 'bad', word: a, why: found === undefined ? 'unknown' : 'ambiguous', index: i });
          continue;
        }
        if (eq >= 0) {
          out.push(found.arity === 'none' ? { kind: 'bad', word: a, why: 'unknown', index: i } : { kind: 'option', key: found.as, value: long.slice(eq + 1), index: i });
        } else if (found.arity === 'required') {
          const v = args[i + 1];
          out.push(v === undefined ? { kind: 'bad', word: a, why: 'missing-value', index: i } : { kind: 'option', key: found.as, value: v, index: i });
          i++;
        } else {
          out.push({ kind: 'option', key: found.as, value: null, index: i });
        }
        continue;
      }
    }
    for (let j = 1; j < a.length; j++) {
      const letter = a[j]!;
      const arity = grammar.short[letter];
      const rest = a.slice(j + 1);
      if (arity === undefined) {
        out.push({ kind: 'unknown', letter, rest, index: i });
        continue;
      }
      if (arity === 'none') {
        out.push({ kind: 'option', key: letter, value: null, index: i });
        continue;
      }
      if (rest !== '') out.push({ kind: 'option', key: letter, value: rest, index: i });
      else if (arity === 'optional') out.push({ kind: 'option', key: letter, value: null, index: i });
      else {
        const v = args[i + 1];
        out.push(v === undefined ? { kind: 'bad', word: `-${letter}`, why: 'missing-value', index: i } : { kind: 'option', key: letter, value: v, index: i });
        i++;
      }
      break;
    }
  }
  return out;
}

/** The operands of a parse, in order. */
export function operands(parsed: readonly Parsed[]): string[] {
  return parsed.flatMap((p) => (p.kind === 'operand' ? [p.value] : []));
}

/** The value of the last option with one of these keys (null: given without a value; undefined: not given). */
export function lastValue(parsed: readonly Parsed[], ...keys: string[]): string | null | undefined {
  let v: string | null | undefined;
  for (const p of parsed) if (p.kind === 'option' && keys.includes(p.key)) v = p.value;
  return v;
}

/** Whether any option with one of these keys was given. */
export function given(parsed: readonly Parsed[], ...keys: string[]): boolean {
  return parsed.some((p) => p.kind === 'option' && keys.includes(p.key));
}

/** Index (into args) of the first operand, or args.length: where a wrapped command starts when the grammar does not permute. */
export function firstOperand(parsed: readonly Parsed[], length: number): number {
  return parsed.find((p) => p.kind === 'operand')?.index ?? length;
}
