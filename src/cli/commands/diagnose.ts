import { Command, Option } from 'commander';
import { analyze, worstSeverity } from '../../analyzers/diagnose.js';
import type { Finding } from '../../analyzers/finding.js';
import { judge, type CommandChecker } from '../../analyzers/judge.js';
import { renderDiagnoseText, toDiagnoseJson } from '../../analyzers/report.js';
import { withSupervisorOomScores } from '../../analyzers/oom-controller-exposed.js';
import { parseThresholdOverrides, resolveThresholds, THRESHOLD_NAMES, type Thresholds } from '../../analyzers/thresholds.js';
import { isProcdocError, ProcdocError } from '../../errors.js';
import type { Snapshot } from '../../snapshot/schema.js';
import type { SnapshotOptions } from '../../snapshot/take.js';
import { parseDuration, parsePid, parseWindow } from '../args.js';
import { pidNotFound } from '../missing.js';
import type { CommandContext, GlobalOptions } from '../context.js';
import { EXIT } from '../exit.js';
import { paint, useColor } from '../io.js';

const NOTHING_TO_JUDGE: CommandChecker = {
  check: () => {
    throw new Error('no command to judge');
  },
};

/**
 * A validator that could not be loaded (its parser missing or damaged) loses no finding:
 * every proposed command is then denied as not judged, with the reason and its repair.
 */
function cannotJudge(error: unknown): CommandChecker {
  const reason = isProcdocError(error) && error.hint !== undefined ? `${error.message} ${error.hint}` : error instanceof Error ? error.message : String(error);
  return {
    check: () => {
      throw new Error(reason);
    },
  };
}

/** The longest --for window: diagnose is a check, not a monitor. */
const MAX_WINDOW_MS = 10 * 60_000;

export interface DiagnosisRequest {
  pid?: number;
  /** Analyze this saved snapshot instead of the live system. */
  from?: string;
  /** Sample over this window (ms) for sustained patterns. */
  forMs?: number;
  /** Milliseconds between the two samples of a plain diagnose. */
  sampleMs?: number;
  thresholds?: Partial<Thresholds>;
  /**
   * Read every file of every process. Without it, the OOM scores and exe (three of the eight
   * reads, which the analyzers do not use) are left unread, and the scores read only for the
   * processes an analyzer compares; --explain reads all, as the LLM's context shows them.
   */
  readAll?: boolean;
}

/** What a live diagnosis leaves unread of every process (SnapshotOptions.unread). */
const UNREAD_FOR_ANALYSIS = { oom: true, exe: true } as const;

export interface Diagnosis {
  snapshot: Snapshot;
  findings: Finding[];
  focusPid: number | undefined;
}

/** The edges diagnosis needs; injected so the explain path and tests can supply their own. */
export interface DiagnosisDeps {
  takeSnapshot(options: SnapshotOptions): Promise<Snapshot>;
  loadSnapshotFile(file: string): Promise<Snapshot>;
  loadValidator(): Promise<CommandChecker>;
}

export const defaultDiagnosisDeps: DiagnosisDeps = {
  takeSnapshot: async (options) => (await import('../../snapshot/take.js')).takeSnapshot(options),
  loadSnapshotFile: async (file) => (await import('../../snapshot/load.js')).loadSnapshotFile(file),
  loadValidator: async () => (await import('../../validator/index.js')).loadValidator(),
};

/** diagnose focuses on one process: a second --pid is an error, not a silent replacement of the first. */
function onePid(value: string, previous: number | undefined): number {
  const pid = parsePid(value);
  if (previous !== undefined) {
    throw new ProcdocError('usage', `diagnose focuses on one process; --pid was given twice (${previous}, ${pid}).`, {
      hint: 'Run diagnose once per process, or diagnose without --pid to see the whole host.',
    });
  }
  return pid;
}

/**
 * Takes (or loads) a snapshot and diagnoses it: findings sorted by severity with judged
 * remediation, plus the snapshot they came from. `--explain` reuses this and hands both to
 * the context builder.
 */
export async function runDiagnosis(globals: Pick<GlobalOptions, 'procRoot' | 'sysRoot'>, request: DiagnosisRequest, deps: DiagnosisDeps = defaultDiagnosisDeps): Promise<Diagnosis> {
  if (request.from !== undefined && request.forMs !== undefined) {
    throw new ProcdocError('usage', '--for samples the live system and cannot be combined with --from.', {
      hint: 'A saved snapshot holds one moment (and a sample): run `procdoc diagnose --for 30s` on the host itself, or drop --for.',
    });
  }
  if (request.forMs !== undefined && (request.forMs <= 0 || request.forMs > MAX_WINDOW_MS)) {
    throw new ProcdocError('usage', `--for must be between 1ms and 10m, got ${request.forMs} ms.`, { hint: 'Example: --for 30s' });
  }
  const live = globals.procRoot === '/proc';
  // A snapshot taken here leaves the OOM scores and exe unread unless all is asked for; the scores an analyzer compares are read below.
  const lean = request.from === undefined && request.readAll !== true;
  const snapshot =
    request.from !== undefined
      ? await deps.loadSnapshotFile(request.from)
      : await deps.takeSnapshot({
          procRoot: globals.procRoot,
          sysRoot: globals.sysRoot,
          deep: false,
          deepPids: request.pid === undefined ? [] : [request.pid],
          sampleMs: live ? (request.sampleMs ?? 300) : 0,
          ...(request.forMs !== undefined && live ? { windowMs: request.forMs } : {}),
          serviceManager: live,
          ...(lean ? { unread: UNREAD_FOR_ANALYSIS } : {}),
        });
  if (request.pid !== undefined && !snapshot.processes.some((p) => p.pid === request.pid)) {
    throw await pidNotFound(
      request.pid,
      request.from !== undefined ? `in ${request.from}` : 'on this host',
      'It may have exited. Run `procdoc diagnose` without --pid to look at the whole machine.',
      request.from === undefined ? globals.procRoot : null,
    );
  }
  const analyzed = lean ? await withScoresCompared(snapshot, request, globals.procRoot) : snapshot;
  const drafts = analyze(analyzed, {
    ...(request.thresholds ? { thresholds: request.thresholds } : {}),
    ...(request.pid !== undefined ? { focusPid: request.pid } : {}),
  });
  // The validator (a shell parser in WebAssembly) is loaded only when there is a command to judge.
  const validator: CommandChecker = drafts.some((d) => d.remediation.length > 0) ? await deps.loadValidator().catch(cannotJudge) : NOTHING_TO_JUDGE;
  const findings = judge(drafts, validator, analyzed);
  return { snapshot: analyzed, findings, focusPid: request.pid };
}

/** A live snapshot that left the OOM scores unread, with those the analyzers compare. */
async function withScoresCompared(snapshot: Snapshot, request: DiagnosisRequest, procRoot: string): Promise<Snapshot> {
  const reader = (await import('../../snapshot/process.js')).oomScoreReader(procRoot);
  const scored = withSupervisorOomScores(snapshot, resolveThresholds(request.thresholds), (p) => reader.read(p));
  const errors = reader.errors();
  return errors.length === 0 ? scored : { ...scored, errors: [...scored.errors, ...errors] };
}

/** Monitoring-plugin convention: 0 OK, 1 warning, 2 critical (3, could not diagnose, comes from errors). */
export function diagnoseExitCode(findings: readonly Pick<Finding, 'severity'>[]): number {
  const worst = worstSeverity(findings);
  return worst === 'critical' ? EXIT.diagnoseCritical : worst === 'warning' ? EXIT.diagnoseWarning : EXIT.ok;
}

interface DiagnoseFlags {
  pid?: number;
  from?: string;
  for?: number;
  sample: number;
  json?: boolean;
  explain?: boolean;
  threshold?: string[];
}

export function diagnoseCommand(ctx: CommandContext, deps: DiagnosisDeps = defaultDiagnosisDeps): Command {
  return new Command('diagnose')
    .description('find what is wrong on this machine, with evidence and checked remediation (exit 0 OK, 1 warning, 2 critical, 3 unknown)')
    .addOption(new Option('--pid <pid>', 'focus on this process, its subtree, its group and its owner').argParser(onePid))
    .option('--from <file>', 'analyze a snapshot saved with `procdoc snapshot -o FILE`')
    .addOption(new Option('--for <duration>', 'sample over this window (30 or 30s, 1m30s) to judge sustained patterns: growth, pressure').argParser(parseWindow))
    .addOption(new Option('--sample <ms>', 'interval between the two samples of a plain run').default(300).argParser(parseDuration).conflicts('from'))
    .option('--json', 'print the findings as JSON (schemaVersion 1)')
    .option('--explain', 'have the LLM explain the findings in plain words (offline when no LLM is configured); with --json, under "explanation"')
    .option('--threshold <name=value...>', `override a threshold (repeatable): ${THRESHOLD_NAMES.join(', ')}`)
    .addHelpText(
      'after',
      `
Examples:
  procdoc diagnose                      what is wrong on this machine
  procdoc diagnose --pid 4711           only what concerns 4711, its children, group and owner
  procdoc diagnose --for 30s            sample for 30 s: memory growth, sustained pressure
  procdoc diagnose --from host.json     a snapshot saved elsewhere
  procdoc diagnose --json               for scripts and monitoring (exit 0/1/2/3 like a Nagios check)
  procdoc diagnose --explain            the findings, then an explanation by the configured LLM`,
    )
    .action(async (flags: DiagnoseFlags) => {
      const globals = ctx.globals();
      const thresholds = parseThresholdOverrides(flags.threshold ?? []);
      const result = await runDiagnosis(
        globals,
        {
          ...(flags.pid !== undefined ? { pid: flags.pid } : {}),
          ...(flags.from !== undefined ? { from: flags.from } : {}),
          ...(flags.for !== undefined ? { forMs: flags.for } : {}),
          sampleMs: flags.sample,
          thresholds,
          readAll: flags.explain === true,
        },
        deps,
      );
      const c = paint(useColor(ctx.io, globals.color));
      if (flags.json !== true) {
        ctx.io.stdout(renderDiagnoseText(result.snapshot, result.findings, c, result.focusPid === undefined ? {} : { focusPid: result.focusPid }));
      }
      const explain = flags.explain === true ? await import('./explain.js') : undefined;
      const explanation = explain ? await explain.explainDiagnosis(ctx, result, { json: flags.json === true }) : undefined;
      if (flags.json === true) {
        const json = toDiagnoseJson(result.snapshot, result.findings);
        ctx.io.stdout(`${JSON.stringify(explanation === undefined ? json : { ...json, explanation }, null, 2)}\n`);
      } else if (explain && explanation) {
        ctx.io.stdout(`\n${c.bold('Explanation')}\n${(await import('./ask.js')).renderAnswer(explanation, c)}`);
      }
      ctx.setExitCode(diagnoseExitCode(result.findings));
    });
}
