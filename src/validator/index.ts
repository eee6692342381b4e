import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { Language as TsLanguage, Parser as TsParser } from 'web-tree-sitter';
import { indexSnapshot, type SnapshotIndex } from '../snapshot/query.js';
import type { Snapshot } from '../snapshot/schema.js';
import { ProcdocError } from '../errors.js';
import { newAcc, type Acc, type Effect, type JudgeContext, type RunBy } from './acc.js';
import { judgeScript } from './commands.js';
import { CONTROL, parseScript, quoteArgv, type ParsedScript } from './parse.js';
import { DEFAULT_CRITICAL_COMMS, DEFAULT_CRITICAL_UNITS, offerable } from './targets.js';
import { hit, strictest } from './rules.js';
import { compileParserWasm } from './wasm.js';
import { watchedIndex, type SnapshotAccess } from './access.js';
import type { RuleHit, Verdict } from './verdict.js';

export { DEFAULT_CRITICAL_COMMS, DEFAULT_CRITICAL_UNITS } from './targets.js';
export { quoteArgv, type ParsedScript, type SimpleCommand } from './parse.js';
export { systemUnitsOf, type Effect, type RunBy } from './acc.js';
export { newAccess, type SnapshotAccess } from './access.js';
export { RULE_DECISIONS, strictest, hit, type RuleId } from './rules.js';
export type { Decision, RuleHit, Target, Verdict, VerdictSummary } from './verdict.js';

export interface CheckOptions {
  /** argv form (several words after --) vs shell text. An array of one word is shell text unless this is true. */
  argv?: boolean;
  /** comm names of critical daemons; replaces DEFAULT_CRITICAL_COMMS. */
  criticalComms?: readonly string[];
  /** Critical unit names; replaces DEFAULT_CRITICAL_UNITS. */
  criticalUnits?: readonly string[];
  /** Records what the judgement looks up in the snapshot (see SnapshotAccess). */
  access?: SnapshotAccess;
  /**
   * Who runs the command (RunBy). 'procdoc' (the default, the stricter) for exec, which runs
   * it as procdoc's own child; 'caller' for check and advice, run later by someone else, when
   * procdoc's own process and the wrappers carrying its invocation (`timeout 10 procdoc check …`,
   * `bash -c "procdoc check …"`) are gone: a pkill -f pattern is then not matched against them.
   */
  runBy?: RunBy;
  /** The snapshot was saved earlier (check --from): messages speak of the snapshot, not of "now". */
  saved?: boolean;
}

export interface Validator {
  /** Judges a command against a snapshot. Pure and synchronous. */
  check(command: string | readonly string[], snapshot: Snapshot, options?: CheckOptions): Verdict;
  /** The verdict and what the command is expected to do (for the executor's verification). */
  analyze(command: string | readonly string[], snapshot: Snapshot, options?: CheckOptions): Analysis;
  /** The parsed form, for the executor (which runs argv without a shell when it can). */
  parse(text: string): ParsedScript;
}

export interface Analysis {
  verdict: Verdict;
  /** The shell text that was judged (argv quote-joined). */
  text: string;
  effects: Effect[];
  /**
   * What to read (withDetails) before judging again on a light snapshot: the processes whose
   * wchan or OOM scores the judgement used, and the ids it looked up but did not find (a
   * thread's, perhaps). Empty when the judgement needs nothing more.
   */
  needs: number[];
}

export interface LoadOptions {
  /**
   * Compile the parser's WebAssembly ahead with the baseline compiler only (compileParserWasm),
   * the default. false leaves it to web-tree-sitter and V8's defaults: functions compiled on
   * first call and optimised in the background, which holds the process open ~1 s at exit
   * (kept for the benchmark that shows it).
   */
  liftoffOnly?: boolean;
}

/** The one load with default options, shared by every caller in the process. */
let loading: Promise<Validator> | null = null;

/** Loads tree-sitter-bash once; the returned validator is reused for every check. */
export function loadValidator(options: LoadOptions = {}): Promise<Validator> {
  if (options.liftoffOnly === false) return loadDefault();
  loading ??= load().catch((error: unknown) => {
    throw parserUnavailable(error);
  });
  return loading;
}

/**
 * A parser that cannot be loaded (web-tree-sitter or tree-sitter-bash missing or damaged) is
 * an incomplete installation, not a bug in procdoc: the error says how to repair it.
 */
function parserUnavailable(error: unknown): ProcdocError {
  const reason = (error instanceof Error ? error.message : String(error)).split('\n')[0];
  const root = fileURLToPath(new URL('../..', import.meta.url)).replace(/\/$/, '');
  return new ProcdocError('internal', `The shell parser (web-tree-sitter with tree-sitter-bash) cannot be loaded: ${reason}. procdoc judges no command without it.`, {
    hint: `Its installation is incomplete or damaged; reinstall its packages: cd ${root} && npm ci`,
    cause: error,
  });
}

async function load(): Promise<Validator> {
  const wasm = compileParserWasm();
  const [{ Parser, Language }, runtime] = await Promise.all([import('web-tree-sitter'), wasm.runtime]);
  // web-tree-sitter instantiates its runtime through this hook, with the module compiled
  // ahead; a failure there would otherwise leave init() waiting forever.
  let failed: (error: unknown) => void = () => undefined;
  const failure = new Promise<never>((_, reject) => (failed = reject));
  await Promise.race([
    Parser.init({
      instantiateWasm(imports: WebAssembly.Imports, done: (instance: WebAssembly.Instance, module: WebAssembly.Module) => void) {
        WebAssembly.instantiate(runtime, imports).then((instance) => done(instance, runtime), failed);
        return {};
      },
    }),
    failure,
  ]);
  // Language.load takes only bytes; once the grammar is compiled, V8 finds the same bytes
  // in its module cache and does not compile them again.
  await wasm.grammar;
  return validatorWith(Parser, await Language.load(wasm.grammarBytes));
}

async function loadDefault(): Promise<Validator> {
  const { Parser, Language } = await import('web-tree-sitter');
  await Parser.init();
  // As bytes: given a path, web-tree-sitter would import() fs, which the bundle cannot (see scripts/bundle.mjs).
  return validatorWith(Parser, await Language.load(readFileSync(createRequire(import.meta.url).resolve('tree-sitter-bash/tree-sitter-bash.wasm'))));
}

function validatorWith(Parser: typeof TsParser, language: TsLanguage): Validator {
  const parser = new Parser();
  parser.setLanguage(language);
  return validatorFor(parser);
}

function validatorFor(parser: TsParser): Validator {
  const parse = (text: string): ParsedScript => parseScript(parser, text);
  // Callers judge many commands against one snapshot (every remediation, every LLM proposal):
  // index it once. Held by this validator, not the module; snapshots are never mutated.
  const indexes = new WeakMap<Snapshot, SnapshotIndex>();
  const indexOf = (snapshot: Snapshot): SnapshotIndex => {
    let idx = indexes.get(snapshot);
    if (!idx) {
      idx = indexSnapshot(snapshot);
      indexes.set(snapshot, idx);
    }
    return idx;
  };
  const analyze = (command: string | readonly string[], snapshot: Snapshot, options: CheckOptions = {}): Analysis => {
    const { text, display } = commandText(command, options);
    const idx = indexOf(snapshot);
    const ctx: JudgeContext = {
      idx: options.access === undefined ? idx : watchedIndex(idx, options.access),
      criticalComms: options.criticalComms ?? DEFAULT_CRITICAL_COMMS,
      criticalUnits: options.criticalUnits ?? DEFAULT_CRITICAL_UNITS,
      parse,
      depth: 0,
      runBy: options.runBy ?? 'procdoc',
      saved: options.saved ?? false,
      invocation: typeof command === 'string' ? [command] : command,
    };
    const acc = newAcc();
    const control = controlCharacter(text);
    if (text.trim() === '') {
      acc.hits.push(hit('unparseable', 'The command is empty: there is nothing to check. Pass the command after --.'));
    } else if (text.includes('\0')) {
      acc.hits.push(hit('unparseable', 'The command contains a NUL byte, which no shell passes through. Remove it.'));
    } else if (control !== null) {
      const code = text.charCodeAt(control);
      acc.hits.push(
        hit(
          'unparseable',
          `The command contains the control character ${controlName(code)} at offset ${control}. The shell parser procdoc uses and bash read such characters differently (one may end a word or a line where the other does not, and a # after it could hide the rest of the line from the check), so the text cannot be judged. Remove it, or write it as an escape inside $'…' (such as $'\\r').`,
        ),
      );
    } else {
      try {
        judgeScript(parse(text), ctx, acc);
      } catch (error) {
        // parse() refuses trees too deep to walk; this is the net under that, so that no
        // input turns a verdict into an internal error. A deny is the safe answer.
        if (!(error instanceof RangeError) || !/call stack/i.test(error.message)) throw error;
        acc.hits.push(hit('unparseable', 'This command is nested too deeply to judge: following it exhausted the stack. Write it flat and check again.'));
      }
    }
    // An alternative is advice to run instead: never one that aims at what the rules deny. Its
    // targets were looked up by the rules that offered it, so this needs nothing more read.
    const unwatched = { ...ctx, idx };
    acc.alternatives = acc.alternatives.filter((a) => offerable(a, unwatched));
    const verdict = finalize(display, acc);
    const missing = verdict.targets.flatMap((t) => (t.startTime === null ? [t.pid] : []));
    return { verdict, text, effects: acc.effects, needs: [...new Set([...acc.details, ...missing])] };
  };
  return { parse, analyze, check: (command, snapshot, options) => analyze(command, snapshot, options).verdict };
}

/**
 * The offset of the first control character other than tab and newline (CR, FF, VT, ESC, DEL…),
 * or null. Checked before parsing because tree-sitter-bash takes some of them for blanks
 * or line ends where bash keeps them as ordinary text; inside quotes too (fail closed).
 */
function controlCharacter(text: string): number | null {
  const at = text.search(CONTROL);
  return at === -1 ? null : at;
}

const CONTROL_NAMES: Record<number, string> = { 0x0b: 'VT (vertical tab, \\v)', 0x0c: 'FF (form feed, \\f)', 0x0d: 'CR (carriage return, \\r)', 0x1b: 'ESC (\\e)', 0x7f: 'DEL' };

function controlName(code: number): string {
  return CONTROL_NAMES[code] ?? `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
}

function commandText(command: string | readonly string[], options: CheckOptions): { text: string; display: string } {
  if (typeof command === 'string') return { text: command, display: command };
  if (command.length === 1 && options.argv !== true) return { text: command[0]!, display: command[0]! };
  const text = quoteArgv(command);
  return { text, display: text };
}

const MAX_PER_RULE = 4;

function finalize(command: string, acc: Acc): Verdict {
  let rules: RuleHit[] = [];
  const perRule = new Map<string, number>();
  const dropped = new Map<string, number>();
  for (const h of acc.hits) {
    const n = perRule.get(h.id) ?? 0;
    perRule.set(h.id, n + 1);
    if (n < MAX_PER_RULE) rules.push(h);
    else dropped.set(h.id, (dropped.get(h.id) ?? 0) + 1);
  }
  for (const [id, n] of dropped) {
    const last = rules.findLast((r) => r.id === id);
    if (last) rules = rules.map((r) => (r === last ? { ...r, message: `${r.message} (…and ${n} more like this)` } : r));
  }
  if (rules.length === 0) {
    rules = [hit('read-only', acc.readOnly.length > 0 ? `Only reads: ${acc.readOnly.join(', ')}. Nothing on the system changes.` : 'Nothing on the system changes.')];
  }
  const decision = strictest(rules.map((r) => r.decision));
  // Deny first, then confirm: the reader sees the blocking reason at the top.
  const order = { deny: 0, confirm: 1, allow: 2 } as const;
  rules = rules.map((r, i) => ({ r, i })).sort((a, b) => order[a.r.decision] - order[b.r.decision] || a.i - b.i).map(({ r }) => r);
  return {
    command,
    decision,
    rules,
    alternatives: decision === 'allow' ? [] : acc.alternatives,
    targets: [...acc.targets.values()],
  };
}
