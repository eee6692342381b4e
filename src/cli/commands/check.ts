import { Command } from 'commander';
import { ProcdocError } from '../../errors.js';
import { printable } from '../../snapshot/query.js';
import type { Snapshot } from '../../snapshot/schema.js';
import { systemUnitsOf } from '../../validator/acc.js';
import type { Analysis, CheckOptions, Validator } from '../../validator/index.js';
import type { Decision, Verdict } from '../../validator/verdict.js';
import type { CommandContext, GlobalOptions } from '../context.js';
import { EXIT } from '../exit.js';
import { paint, useColor, type Paint } from '../io.js';

/** check's exit status for a verdict (DESIGN.md): 0 allow, 10 confirm, 20 deny. */
export function exitCodeForDecision(decision: Decision): number {
  switch (decision) {
    case 'allow':
      return EXIT.ok;
    case 'confirm':
      return EXIT.checkConfirm;
    case 'deny':
      return EXIT.checkDeny;
  }
}

/** The verdict as the JSON contract of `procdoc check --json`. */
export function verdictJson(verdict: Verdict): object {
  return { schemaVersion: 1, ...verdict };
}

/** The verdict for a person: decision, each rule with its reason, what to do instead, the targets. */
export function renderVerdict(verdict: Verdict, p: Paint): string {
  const label = { allow: p.green('ALLOW'), confirm: p.yellow('CONFIRM'), deny: p.red('DENY') }[verdict.decision];
  const mark = { allow: p.green('✓'), confirm: p.yellow('?'), deny: p.red('✗') };
  // The command and the names in the rules are the caller's and the processes' text: printable() keeps them to their line.
  const lines = [`${p.bold(label)}  ${printable(verdict.command)}`];
  for (const r of verdict.rules) lines.push(`  ${mark[r.decision]} ${p.bold(r.id)}: ${printable(r.message)}`);
  if (verdict.alternatives.length > 0) {
    lines.push(`  ${p.cyan('Instead:')}`);
    for (const a of verdict.alternatives) lines.push(`    ${printable(a)}`);
  }
  if (verdict.targets.length > 0) {
    lines.push(`  ${p.dim('Targets:')}`);
    for (const t of verdict.targets.slice(0, 12)) {
      const bits = [t.comm === null ? '(gone)' : printable(t.comm), t.startTime !== null ? `start ${t.startTime}` : null, t.unit].filter((b) => b !== null);
      lines.push(`    ${t.pid}  ${bits.join(', ')}`);
    }
    if (verdict.targets.length > 12) lines.push(`    … and ${verdict.targets.length - 12} more`);
  }
  return `${lines.join('\n')}\n`;
}

/** The command words: one word is shell text, several are an argv. */
export function commandWords(words: readonly string[], name: string): string[] {
  if (words.length === 0 || (words.length === 1 && words[0]!.trim() === '')) {
    // The error printer puts "procdoc: " before the message.
    throw new ProcdocError('usage', `${name}: no command given.`, {
      hint: `Put the command after --, e.g. procdoc ${name} -- kill -TERM 4711, or as one quoted string: procdoc ${name} 'kill -TERM 4711'.`,
    });
  }
  return [...words];
}

/** Whether a command is judged against this machine (not a saved snapshot, not a fixture tree). */
function isLive(globals: GlobalOptions, from: string | undefined): boolean {
  return from === undefined && globals.procRoot === '/proc';
}

/** What snapshotFor reads of the live system (SnapshotOptions). */
export interface LiveRead {
  /** System units the command acts on, asked about even when they own no process. */
  units?: readonly string[];
  /** Leave what the validator needs only of its targets unread (SnapshotOptions.light). */
  light?: boolean;
  /** Read only these processes, with their ancestors (SnapshotOptions.pids). */
  pids?: ReadonlySet<number>;
}

/** Takes the snapshot a command is judged against: a saved one (--from), or the live system. */
export async function snapshotFor(globals: GlobalOptions, from: string | undefined, read: LiveRead = {}): Promise<Snapshot> {
  if (from !== undefined) {
    const { loadSnapshotFile } = await import('../../snapshot/load.js');
    return loadSnapshotFile(from);
  }
  const [{ takeSnapshot }, { withSystemUnits }] = await Promise.all([import('../../snapshot/take.js'), import('../../snapshot/systemd.js')]);
  const live = isLive(globals, from);
  const snapshot = await takeSnapshot({
    procRoot: globals.procRoot,
    sysRoot: globals.sysRoot,
    deep: false,
    deepPids: [],
    forAnalysis: false,
    light: read.light === true,
    sampleMs: 0,
    serviceManager: live,
    ...(read.pids === undefined ? {} : { pids: read.pids }),
  });
  return live ? withSystemUnits(snapshot, read.units ?? []) : snapshot;
}

/** A judgement, the snapshot it was made on, and how many processes were read for it. */
export interface Judged {
  analysis: Analysis;
  snapshot: Snapshot;
  /** The processes read, or 'all'. */
  read: number | 'all';
}

export interface JudgeLiveOptions {
  /** Judge in rounds on hosts of at least this many processes (default ON_DEMAND_MIN_PROCESSES). */
  minProcesses?: number;
  checkOptions?: CheckOptions;
  /** Processes to read whether or not the judgement looks them up (exec's --expect). */
  pids?: readonly number[];
}

/** Rounds of reading what a judgement looked up, before reading everything instead. */
const MAX_ROUNDS = 4;

/**
 * Below this many processes, reading all of them (while the parser loads) costs less than
 * judging in rounds after it has loaded: measured on 2 CPUs, `kill -9 PID` takes about the
 * same either way at 300 processes, a pattern 15-20 ms more in rounds; at 2,000 processes,
 * `kill -9 PID` takes 180 ms in rounds against 425 ms.
 */
export const ON_DEMAND_MIN_PROCESSES = 500;

/**
 * Judges a command against this machine, reading only what the judgement looks up. It is
 * judged first against procdoc's own processes; every pid it looks up is then read (with
 * its ancestors) and it is judged again, until a judgement looks up nothing unread. Its
 * verdict is then the one a snapshot of every process would give. A command that goes
 * through all processes or units (a pattern, a user, a unit's members, a process group)
 * is judged against a snapshot of every process, as is any command on a small host
 * (ON_DEMAND_MIN_PROCESSES). `kill -9 4711` on a host of 2,000 processes reads a handful
 * of them instead of 2,000.
 */
export async function judgeLive(
  loading: Validator | Promise<Validator>,
  command: readonly string[],
  globals: GlobalOptions,
  options: JudgeLiveOptions = {},
): Promise<Judged> {
  const [{ isPidEntry }, { withSystemUnits }, { newAccess }, { FsReader }] = await Promise.all([
    import('../../snapshot/take.js'),
    import('../../snapshot/systemd.js'),
    import('../../validator/access.js'),
    import('../../snapshot/read.js'),
  ]);
  // All processes, light: what only the targets need is read once they are known (withDetails).
  const take = (pids: ReadonlySet<number> | undefined): Promise<Snapshot> => snapshotFor(globals, undefined, pids === undefined ? { light: true } : { pids });
  const pids = new FsReader().dir(globals.procRoot)?.filter(isPidEntry).length ?? 0;
  if (pids < (options.minProcesses ?? ON_DEMAND_MIN_PROCESSES)) {
    const [validator, snapshot] = await Promise.all([loading, take(undefined)]);
    return judgeAll(validator, command, snapshot, globals, options.checkOptions);
  }
  const wanted = new Set<number>(options.pids);
  // procdoc's own processes are read while the parser loads.
  const [validator, first] = await Promise.all([loading, take(wanted)]);
  let snapshot = first;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const access = newAccess();
    const analysis = validator.analyze(command, snapshot, { ...options.checkOptions, access });
    const units = new Set(snapshot.units.map((u) => u.name));
    if (access.scanned || access.groups.size > 0 || [...access.units].some((u) => !units.has(u))) break;
    const read = new Set(snapshot.processes.map((p) => p.pid));
    const unread = [...access.pids].filter((pid) => !wanted.has(pid) && !read.has(pid));
    const unitsNamed = systemUnitsOf(analysis.effects).filter((u) => !units.has(u));
    if (unread.length === 0 && unitsNamed.length === 0) return { analysis, snapshot, read: snapshot.processes.length };
    for (const pid of unread) wanted.add(pid);
    snapshot = unread.length > 0 ? await take(wanted) : snapshot;
    // A unit it acts on that owns no process read (a stopped one, or one named only) is asked about.
    snapshot = withSystemUnits(snapshot, unitsNamed);
  }
  return judgeAll(validator, command, await take(undefined), globals, options.checkOptions);
}

/**
 * Judges against a light snapshot of every process: what the judgement needs of it is known
 * once it is made (Analysis.needs: the wchan of a D-state target, the oom_score_adj a write
 * replaces, an id that may be a thread's), so that is read then and the command judged
 * again; a stopped unit it names is asked about.
 */
async function judgeAll(validator: Validator, command: readonly string[], snapshot: Snapshot, globals: GlobalOptions, options?: CheckOptions): Promise<Judged> {
  const first = validator.analyze(command, snapshot, options);
  let judged = (await import('../../snapshot/process.js')).withDetails(snapshot, first.needs, globals.procRoot);
  if (globals.procRoot === '/proc') judged = (await import('../../snapshot/systemd.js')).withSystemUnits(judged, systemUnitsOf(first.effects));
  const analysis = judged === snapshot ? first : validator.analyze(command, judged, options);
  return { analysis, snapshot: judged, read: 'all' };
}

/** Judges against a saved snapshot (--from), or a fixture tree (--proc-root). */
export async function judgeSaved(
  loading: Validator | Promise<Validator>,
  command: readonly string[],
  globals: GlobalOptions,
  from: string | undefined,
  options?: CheckOptions,
): Promise<Judged> {
  if (from === undefined) {
    const [validator, snapshot] = await Promise.all([loading, snapshotFor(globals, undefined, { light: true })]);
    return judgeAll(validator, command, snapshot, globals, options);
  }
  const [validator, snapshot] = await Promise.all([loading, snapshotFor(globals, from)]);
  return { analysis: validator.analyze(command, snapshot, options), snapshot, read: 'all' };
}

export function checkCommand(ctx: CommandContext): Command {
  return new Command('check')
    .description('judge a command against the live system: allow (exit 0), confirm (10) or deny (20), with reasons and safer alternatives')
    .argument('[command...]', 'the command: the words after --, or one quoted string of shell text')
    .option('--json', 'print the verdict as JSON (stable contract)')
    .option('--from <file>', 'judge against a saved snapshot (procdoc snapshot -o FILE) instead of the live system')
    .addHelpText(
      'after',
      `
Examples:
  procdoc check -- kill -9 4711
  procdoc check 'pgrep -f worker | xargs kill'
  procdoc check --json -- systemctl restart nginx     # for programs: read .decision, or the exit status

Exit status: 0 allow, 10 confirm, 20 deny, 1 error, 2 bad usage.`,
    )
    .action(async (words: string[], opts: { json?: boolean; from?: string }) => {
      const command = commandWords(words, 'check');
      const globals = ctx.globals();
      const loading = import('../../validator/index.js').then((m) => m.loadValidator());
      // The command is judged for whoever runs it after this check, when procdoc (and the shell
      // line that started it) are gone: runBy 'caller'. exec, which runs it itself, does not.
      const checkOptions: CheckOptions = { runBy: 'caller', saved: opts.from !== undefined };
      const { analysis } = isLive(globals, opts.from) ? await judgeLive(loading, command, globals, { checkOptions }) : await judgeSaved(loading, command, globals, opts.from, checkOptions);
      const verdict = analysis.verdict;
      if (opts.json === true) ctx.io.stdout(`${JSON.stringify(verdictJson(verdict), null, 2)}\n`);
      else ctx.io.stdout(renderVerdict(verdict, paint(useColor(ctx.io, globals.color))));
      ctx.setExitCode(exitCodeForDecision(verdict.decision));
    });
}
