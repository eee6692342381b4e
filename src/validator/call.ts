import type { Acc, JudgeContext } from './acc.js';

/** How an argv is judged besides its words. */
export interface ArgvOptions {
  /** Static text the command reads on stdin (here-string, echo | …), if known. */
  stdin: string | null;
  /** xargs or find -exec add arguments that cannot be known. */
  unknownArgs: boolean;
}

/**
 * One program and its arguments, as a family's judge function gets it: what it may add to
 * the verdict (acc), what it may look up (ctx), and how to judge what it runs in turn.
 */
export interface Call {
  /** The program, resolved (/bin/kill → kill). */
  readonly name: string;
  readonly args: readonly string[];
  /** Whether each of args has unquoted glob or brace characters. */
  readonly globs: readonly boolean[];
  readonly ctx: JudgeContext;
  readonly acc: Acc;
  readonly opts: ArgvOptions;
  /** Judges args[from…] as the command a wrapper runs (nothing when from is past the end). */
  readonly inner: (from: number) => void;
  /** Judges another argv, such as find -exec's (its words have no globs), into acc or another. */
  readonly argv: (argv: readonly string[], opts?: ArgvOptions, into?: Acc) => void;
  /** Judges shell text that the command runs (sh -c, su -c, watch). */
  readonly nested: (text: string, via: string) => void;
}

export type Judge = (call: Call) => void;

/** A family's commands: program name → the function that judges it. */
export type CommandTable = Readonly<Record<string, Judge>>;

/** The same judge for several names. */
export function each(names: readonly string[], judge: Judge): Record<string, Judge> {
  return Object.fromEntries(names.map((n) => [n, judge]));
}

/** Index of the first operand after options; valueOpts take the next word (or an attached value). */
export function afterOptions(args: readonly string[], valueOpts: readonly string[], start = 0): number {
  for (let i = start; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') return i + 1;
    if (!a.startsWith('-') || a === '-') return i;
    if (a.startsWith('--')) {
      if (!a.includes('=') && valueOpts.includes(a)) i++;
      continue;
    }
    // Combined short flags: a value option takes the rest of the word, or the next word.
    for (let j = 1; j < a.length; j++) {
      if (valueOpts.includes(`-${a[j]}`)) {
        if (j === a.length - 1) i++;
        break;
      }
    }
  }
  return args.length;
}

/** The value of a short option given combined with others (-qfc VALUE), or null. */
export function shortValue(args: readonly string[], letter: string): string | null {
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (/^-[a-zA-Z]+$/.test(a) && a.length > 2 && a.endsWith(letter)) return args[i + 1] ?? null;
  }
  return null;
}

export function hasOpt(args: readonly string[], end: number, ...opts: string[]): boolean {
  return args.slice(0, end).some((a) => opts.some((o) => a === o || (o.startsWith('--') && a.startsWith(`${o}=`)) || (o.length === 2 && !a.startsWith('--') && a.startsWith('-') && a.slice(1).includes(o[1]!) && /^-[a-zA-Z]+$/.test(a))));
}

export function optValue(args: readonly string[], end: number, ...opts: string[]): string | null {
  for (let i = 0; i < end; i++) {
    const a = args[i]!;
    for (const o of opts) {
      if (a === o) return args[i + 1] ?? null;
      if (o.startsWith('--') && a.startsWith(`${o}=`)) return a.slice(o.length + 1);
      if (o.length === 2 && a.startsWith(o) && a.length > 2 && !a.startsWith('--')) return a.slice(2);
    }
  }
  return null;
}
