import { constants } from 'node:os';
import { Command, Option } from 'commander';
import { ProcdocError } from '../../errors.js';
import type { CommandContext } from '../context.js';
import { EXIT } from '../exit.js';
import { paint, useColor, type Paint } from '../io.js';
import { procRootView } from '../../executor/live-root.js';
import { commandWords, judgeLive, renderVerdict, snapshotFor } from './check.js';
import type { ExecOutcome } from '../../executor/index.js';
import type { Snapshot } from '../../snapshot/schema.js';
import type { CheckOptions } from '../../validator/index.js';
import type { Verdict } from '../../validator/verdict.js';

/** The signals that stop exec as Ctrl-C does: the command's group is stopped, the result audited, and procdoc exits 128+signal. */
const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/** The exit status of a process ended by this signal, as a shell reports it (128 + its number). */
function exitStatusFor(signal: string): number {
  return 128 + (constants.signals[signal as NodeJS.Signals] ?? constants.signals.SIGINT);
}

/** What --yes says yes to, in brief: the rules that ask for a confirmation. */
function renderYes(verdict: Verdict, p: Paint): string {
  const lines = [`procdoc: --yes confirms ${verdict.command}:`];
  for (const r of verdict.rules) if (r.decision === 'confirm') lines.push(`  ${p.yellow('?')} ${p.bold(r.id)}: ${r.message}`);
  return `${lines.join('\n')}\n`;
}

/** What to do after a refusal; with --json the verdict is in the JSON on stdout, not printed above. */
function refusalHint(outcome: Extract<ExecOutcome, { kind: 'refused' }>, json: boolean): string {
  if (outcome.declined === 'answered-no') return 'Nothing was run. Run exec again if you change your mind; procdoc check shows the verdict without asking.';
  if (outcome.reason === 'declined') return 'Run it on a terminal and answer y, or pass --yes if you have read the verdict.';
  if (outcome.verdict.alternatives.length > 0) return `Consider: ${outcome.verdict.alternatives.join('  |  ')}`;
  if (outcome.reason === 'deny' || outcome.reason === 'denied-on-recheck') return `Deal with what the rules ${json ? 'in the JSON on stdout' : 'above'} say; a denied command never runs, not even with --yes.`;
  return 'Look again with procdoc check, then run exec again.';
}

function parseExpect(value: string, previous: { pid: number; startTime: number }[] = []): { pid: number; startTime: number }[] {
  const m = /^(\d+):(\d+)$/.exec(value);
  if (!m) {
    throw new ProcdocError('usage', `--expect ${value}: expected PID:STARTTIME, e.g. --expect 4711:123456.`, {
      hint: 'Take pid and startTime from the targets of `procdoc check --json`.',
    });
  }
  return [...previous, { pid: Number(m[1]), startTime: Number(m[2]) }];
}

export function execCommand(ctx: CommandContext): Command {
  return new Command('exec')
    .description('run one command after the validator allows it: confirm, re-check on a fresh snapshot, run, verify, audit')
    .argument('[command...]', 'the command: the words after --, or one quoted string of shell text')
    .option('-y, --yes', 'treat a "confirm" verdict as confirmed (a "deny" never runs)')
    .option('--json', 'print the outcome as JSON')
    .addOption(new Option('--timeout <seconds>', 'kill the command\'s process group after this long').default('60'))
    .option('--expect <pid:start>', 'refuse if PID no longer has this start time (from check --json targets); repeatable', parseExpect)
    .addHelpText(
      'after',
      `
Every decision and result is appended to $XDG_STATE_HOME/procdoc/audit.jsonl
(default ~/.local/state/procdoc/audit.jsonl).

Examples:
  procdoc exec -- systemctl restart nginx.service
  procdoc exec --yes -- kill -TERM 4711`,
    )
    .action(async (words: string[], opts: { yes?: boolean; json?: boolean; timeout: string; expect?: { pid: number; startTime: number }[] }) => {
      const command = commandWords(words, 'exec');
      const timeoutS = Number(opts.timeout);
      if (!Number.isFinite(timeoutS) || timeoutS <= 0) {
        throw new ProcdocError('usage', `--timeout ${opts.timeout}: give a positive number of seconds.`);
      }
      const given = ctx.globals();
      // The command runs here and signals this machine's PIDs: judging it against a fixture
      // tree, or a host's /proc from another PID namespace, would judge other processes.
      const view = procRootView(given.procRoot, { pid: process.pid, statPath: '/proc/self/stat' });
      if (!view.live) {
        throw new ProcdocError('usage', `--proc-root ${given.procRoot}: exec runs the command on this machine, but ${view.why}.`, {
          hint: 'Run exec on the machine itself without --proc-root (or with /proc); procdoc check --proc-root DIR judges a command there without running it.',
        });
      }
      // A view that shows procdoc as itself holds the same processes as /proc, where the service manager is asked too.
      const globals = { ...given, procRoot: '/proc' };
      const io = ctx.io;
      const p = paint(useColor(io, globals.color));
      const [{ loadValidator }, { executeCommand, auditLogPath, signalOf, MAX_TIMEOUT_MS }] = await Promise.all([import('../../validator/index.js'), import('../../executor/index.js')]);
      if (timeoutS * 1000 > MAX_TIMEOUT_MS) {
        throw new ProcdocError('usage', `--timeout ${opts.timeout}: at most ${Math.floor(MAX_TIMEOUT_MS / 1000)} seconds (about 24 days), the longest timer Node.js can set.`, {
          hint: 'Give a shorter --timeout; the default is 60.',
        });
      }
      const validator = await loadValidator();
      const expected = opts.expect?.map((e) => e.pid) ?? [];
      /**
       * The snapshot with every --expect id in it: a snapshot of all processes lists no
       * threads, so a thread id held to its start time would pass for one that exited.
       */
      const withExpected = async (snapshot: Snapshot): Promise<Snapshot> => {
        const known = new Set([...snapshot.processes.map((x) => x.pid), ...snapshot.threads.map((t) => t.tid)]);
        const missing = expected.filter((id) => !known.has(id));
        return missing.length === 0 ? snapshot : (await import('../../snapshot/process.js')).withDetails(snapshot, missing, globals.procRoot);
      };
      // A signal (or Ctrl-C at the prompt) aborts: before the command runs, nothing runs; while
      // it runs, its process group is stopped. Either way the audit log records it.
      const abort = new AbortController();
      const stopListening = (): void => {
        for (const s of STOP_SIGNALS) process.off(s, onSignal);
      };
      const onSignal = (signal: NodeJS.Signals): void => {
        if (!abort.signal.aborted) abort.abort(signal);
      };
      for (const s of STOP_SIGNALS) process.on(s, onSignal);
      // The verdicts already on the screen, so that a refusal does not print one twice.
      const shown = new Set<Verdict>();
      try {
        const outcome = await executeCommand(
          { command, yes: opts.yes === true, timeoutMs: timeoutS * 1000, ...(opts.expect ? { expect: opts.expect } : {}) },
          {
            validator,
            takeSnapshot: async (units) => withExpected(await snapshotFor(globals, undefined, { units: units ?? [], light: true })),
            judge: async (cmd: string | readonly string[], checkOptions: CheckOptions | undefined) => {
              const words = typeof cmd === 'string' ? [cmd] : cmd;
              const judged = await judgeLive(validator, words, globals, { ...(checkOptions ? { checkOptions } : {}), pids: expected });
              return { ...judged, snapshot: await withExpected(judged.snapshot) };
            },
            observe: (pids: readonly number[], units: readonly string[]) => snapshotFor(globals, undefined, { pids: new Set(pids), units, light: true }),
            onYes: (verdict) => {
              if (opts.json === true) return;
              io.stderr(renderYes(verdict, p));
              shown.add(verdict);
            },
            confirm: async (verdict) => {
              io.stderr(renderVerdict(verdict, p));
              shown.add(verdict);
              if (!io.stdinIsTTY) return 'no-terminal';
              const answer = await io.confirm('Run it?', abort.signal);
              // Ctrl-C at the prompt reaches readline as a key, not as SIGINT: the same interruption.
              if (answer === 'interrupted' && !abort.signal.aborted) abort.abort('SIGINT');
              return answer === true ? 'yes' : 'no';
            },
            now: () => new Date(),
            auditPath: auditLogPath(io.env),
            uid: process.getuid?.() ?? -1,
            signal: abort.signal,
            // With --json, stdout is the one JSON document a program parses: the command's own output goes to stderr.
            onStdout: (c) => (opts.json === true ? io.stderr(c) : io.stdout(c)),
            onStderr: (c) => io.stderr(c),
            progress: (m) => {
              if (opts.json !== true) io.stderr(p.dim(`procdoc: ${m}\n`));
            },
            sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
          },
        );
        if (opts.json === true) {
          io.stdout(`${JSON.stringify({ schemaVersion: 1, ...outcome }, null, 2)}\n`);
        }
        if (outcome.kind === 'refused' && outcome.reason === 'interrupted') {
          ctx.setExitCode(exitStatusFor(outcome.interruptedBy ?? 'SIGINT'));
          io.stderr(`procdoc: interrupted by ${outcome.interruptedBy ?? 'SIGINT'} before the command ran; nothing was run (the audit log records it).\n`);
          return;
        }
        if (outcome.kind === 'refused') {
          if (opts.json !== true && !shown.has(outcome.verdict)) io.stderr(renderVerdict(outcome.verdict, p));
          throw new ProcdocError('refused', `not run: ${outcome.message}`, { hint: refusalHint(outcome, opts.json === true) });
        }
        const r = outcome.result;
        if (opts.json !== true) {
          for (const c of outcome.checks) {
            const mark = c.ok === true ? p.green('✓') : c.ok === false ? p.red('✗') : p.yellow('?');
            io.stderr(`${mark} ${c.what}: ${c.detail}\n`);
          }
        }
        if (r.error !== null) throw new ProcdocError('exec-failed', `could not run the command: ${r.error}`, { hint: 'Check that the program exists and is on PATH.' });
        if (r.interrupted) {
          const by = r.interruptedBy ?? 'SIGINT';
          ctx.setExitCode(exitStatusFor(by));
          io.stderr(`procdoc: interrupted by ${by}; the command's process group was stopped and the audit log records it.\n`);
          return;
        }
        if (abort.signal.aborted) {
          // The command had ended; the signal came while its effect was being verified.
          const by = signalOf(abort.signal) ?? 'SIGINT';
          ctx.setExitCode(exitStatusFor(by));
          io.stderr(`procdoc: interrupted by ${by} while verifying the effect; the command itself had ended (${r.signal !== null ? `killed by ${r.signal}` : `exit status ${r.exitCode}`}).\n`);
          return;
        }
        if (r.timedOut) throw new ProcdocError('exec-failed', `the command ran longer than ${timeoutS}s; its process group was killed.`, { hint: 'Raise --timeout if it needs longer.' });
        if (r.exitCode !== 0) throw new ProcdocError('exec-failed', `the command failed (${r.signal !== null ? `killed by ${r.signal}` : `exit status ${r.exitCode}`}).`, { hint: 'Its output is above; the audit log has the record.' });
        if (outcome.checks.some((c) => c.ok === false)) throw new ProcdocError('exec-failed', `the command ran but its effect could not be verified (see ${opts.json === true ? 'checks in the JSON on stdout' : 'above'}).`, { hint: 'Look again with procdoc diagnose.' });
        ctx.setExitCode(EXIT.ok);
      } finally {
        stopListening();
      }
    });
}
