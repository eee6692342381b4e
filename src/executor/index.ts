import { randomUUID } from 'node:crypto';
import { ProcdocError } from '../errors.js';
import type { Snapshot } from '../snapshot/schema.js';
import { systemUnitsOf } from '../validator/acc.js';
import type { Analysis, CheckOptions, Validator } from '../validator/index.js';
import { strictest } from '../validator/rules.js';
import { SIGNAL } from '../validator/signals.js';
import type { Target, Verdict } from '../validator/verdict.js';
import { appendAudit, type AuditRecord } from './audit.js';
import { planRun, type RunPlan } from './plan.js';
import { MAX_TIMEOUT_MS, runPlan, type RunResult } from './run.js';
import { immediate, observed, settled, verifyEffects, type Check } from './verify.js';

export { auditLogPath, appendAudit, type AuditRecord } from './audit.js';
export { planRun, type RunPlan } from './plan.js';
export { MAX_TIMEOUT_MS, runPlan, type RunResult } from './run.js';
export { verifyEffects, settled, type Check } from './verify.js';

export interface ExecRequest {
  /** Shell text, or argv (one word is shell text, as in check). */
  command: string | readonly string[];
  /** --yes: a confirm verdict counts as confirmed. */
  yes: boolean;
  timeoutMs: number;
  /** Identities the caller saw when it checked (pid + start time): refuse if a PID now belongs to another process. */
  expect?: readonly { pid: number; startTime: number }[];
  /** How long to keep looking for the effect after the command ends. */
  settleMs?: number;
  checkOptions?: CheckOptions;
}

/** Everything the executor touches, passed in: no module state, fakes in tests. */
export interface ExecDeps {
  validator: Validator;
  /** A live snapshot; `units` are system units the command names, asked about even without processes. */
  takeSnapshot(units?: readonly string[]): Promise<Snapshot>;
  /**
   * Judges the command on a fresh reading of the system, reading there only what the
   * judgement looks up and completing a light snapshot where it needs it (the CLI's
   * judgeLive). Without it, each judgement is made on takeSnapshot as it is.
   */
  judge?(command: string | readonly string[], options: CheckOptions | undefined): Promise<{ analysis: Analysis; snapshot: Snapshot }>;
  /**
   * A live snapshot of only these processes (with their ancestors) and system units, for
   * verifying the effect (what verify.ts's observed() names). Without it, takeSnapshot.
   */
  observe?(pids: readonly number[], units: readonly string[]): Promise<Snapshot>;
  /** Asks the person: 'no-terminal' when there is nobody to ask. */
  confirm(verdict: Verdict): Promise<Answer>;
  /** Shown the verdict that --yes confirms in the person's place, so that they see what they said yes to. */
  onYes?(verdict: Verdict): void;
  now(): Date;
  auditPath: string;
  uid: number;
  /**
   * Aborted on Ctrl-C, SIGTERM or SIGHUP, with the signal's name as reason: before the run
   * nothing runs, during it the command's process group is stopped.
   */
  signal?: AbortSignal;
  onStdout(chunk: string): void;
  onStderr(chunk: string): void;
  /** Tells the person what is happening (re-checking, running, verifying). */
  progress(message: string): void;
  sleep(ms: number): Promise<void>;
  run?: typeof runPlan;
}

/** The person's answer to "Run it?"; 'no-terminal' when there was nobody to ask. */
export type Answer = 'yes' | 'no' | 'no-terminal';

/** How a confirm verdict was declined: the person answered no, or there was no terminal to ask on. */
export type Declined = 'answered-no' | 'no-terminal';

export type ExecOutcome =
  | { kind: 'refused'; id: string; reason: RefuseReason; message: string; verdict: Verdict; declined?: Declined; interruptedBy?: string }
  | { kind: 'ran'; id: string; verdict: Verdict; plan: RunPlan; result: RunResult; checks: Check[] };

export type RefuseReason = 'deny' | 'declined' | 'pid-reused' | 'target-gone' | 'denied-on-recheck' | 'interrupted';

/** The signal an abort names (the CLI aborts with the signal's name), SIGINT when it names none; null when not aborted. */
export function signalOf(signal: AbortSignal | undefined): string | null {
  if (signal?.aborted !== true) return null;
  return typeof signal.reason === 'string' && signal.reason.startsWith('SIG') ? signal.reason : 'SIGINT';
}

/** An expected identity that no longer holds: `now` is the start time found there, null if gone. */
export interface IdentityChange {
  pid: number;
  was: number;
  now: number | null;
  /** Set when `pid` is a thread id (from `top -H` or `ps -L`): the process it is a thread of. */
  threadOf?: number;
}

/**
 * The expected identities (pid + start time) that a fresh snapshot no longer bears out: the
 * PID now belongs to a different process (another start time), or is gone. A thread id
 * (recorded in the snapshot's threads) is held to the thread's own start time.
 */
export function identityChanges(expected: readonly Pick<Target, 'pid' | 'startTime'>[], fresh: Snapshot): IdentityChange[] {
  const byPid = new Map(fresh.processes.map((p) => [p.pid, p]));
  const threads = new Map(fresh.threads.map((t) => [t.tid, t]));
  const out: IdentityChange[] = [];
  for (const t of expected) {
    if (t.startTime === null) continue;
    const p = byPid.get(t.pid);
    const thread = p === undefined ? threads.get(t.pid) : undefined;
    if (thread !== undefined) {
      // A snapshot from before threads had start times cannot tell: let it pass, as a target without one does.
      if (thread.startTime !== null && thread.startTime !== t.startTime) out.push({ pid: t.pid, was: t.startTime, now: thread.startTime, threadOf: thread.pid });
    } else if (!p) out.push({ pid: t.pid, was: t.startTime, now: null });
    else if (p.startTime !== t.startTime) out.push({ pid: t.pid, was: t.startTime, now: p.startTime });
  }
  return out;
}

/**
 * Runs one command: judge, confirm, re-snapshot and re-judge, refuse on PID reuse, run in its
 * own process group, verify the effect, and audit every step (synchronously, before and after).
 */
export async function executeCommand(request: ExecRequest, deps: ExecDeps): Promise<ExecOutcome> {
  if (!(request.timeoutMs > 0 && request.timeoutMs <= MAX_TIMEOUT_MS)) {
    // setTimeout fires a delay it cannot hold at once: the command would be killed as it starts.
    throw new ProcdocError('usage', `A timeout of ${request.timeoutMs} ms is out of range: give 1 to ${MAX_TIMEOUT_MS} ms.`);
  }
  const id = randomUUID();
  const at = () => deps.now().toISOString();
  const audit = (r: AuditRecord) => appendAudit(deps.auditPath, r);
  const refuse = (reason: RefuseReason, message: string, verdict: Verdict, more: { declined?: Declined; interruptedBy?: string } = {}): ExecOutcome => {
    audit({ event: 'refused', id, at: at(), command: verdict.command, reason, message, decision: verdict.decision, rules: verdict.rules, targets: verdict.targets, uid: deps.uid, ...more });
    return { kind: 'refused', id, reason, message, verdict, ...more };
  };
  /** The refusal when the caller was interrupted (deps.signal) before the command ran, else null. */
  const interrupted = (verdict: Verdict): ExecOutcome | null => {
    const by = signalOf(deps.signal);
    return by === null ? null : refuse('interrupted', `Interrupted by ${by} before it ran. Nothing was run.`, verdict, { interruptedBy: by });
  };

  const judgeFresh = async (units: readonly string[]): Promise<{ analysis: Analysis; snapshot: Snapshot }> => {
    if (deps.judge !== undefined) return deps.judge(request.command, request.checkOptions);
    const snapshot = await deps.takeSnapshot(units);
    return { analysis: deps.validator.analyze(request.command, snapshot, request.checkOptions), snapshot };
  };

  /** Takes --yes, or asks: 'flag' or 'prompt' when confirmed, else the refusal. */
  const confirmed = async (verdict: Verdict, again: boolean): Promise<'flag' | 'prompt' | ExecOutcome> => {
    if (request.yes) {
      deps.onYes?.(verdict);
      return 'flag';
    }
    const answer = await deps.confirm(verdict);
    // Interrupted while asking (a signal, Ctrl-C at the prompt): not an answer.
    const cut = interrupted(verdict);
    if (cut !== null) return cut;
    switch (answer) {
      case 'yes':
        return 'prompt';
      case 'no':
        return refuse('declined', again ? 'You answered no when asked again (on a fresh snapshot it needs a yes).' : 'You answered no at the prompt.', verdict, { declined: 'answered-no' });
      case 'no-terminal':
        return refuse('declined', `Not confirmed: ${again ? 'on a fresh snapshot it needs a yes' : 'it needs an interactive yes, or --yes'}, and there is no terminal to ask on.`, verdict, { declined: 'no-terminal' });
    }
  };

  const first = (await judgeFresh([])).analysis;
  const early = interrupted(first.verdict);
  if (early !== null) return early;
  if (first.verdict.decision === 'deny') return refuse('deny', 'The validator denies this command; procdoc never runs a denied command.', first.verdict);
  let confirmedBy: 'not-needed' | 'flag' | 'prompt' = 'not-needed';
  if (first.verdict.decision === 'confirm') {
    const yes = await confirmed(first.verdict, false);
    if (typeof yes !== 'string') return yes;
    confirmedBy = yes;
  }

  // Judge again on a fresh snapshot right before running: time passed while the person read.
  deps.progress('re-checking against a fresh snapshot');
  // The units it acts on, so that a stopped one (no processes) has a state before and after.
  const units = systemUnitsOf(first.effects);
  const judged = await judgeFresh(units);
  // What the effect is verified against. A judgement read on demand holds the targets but
  // not their children, whose zombies SIGCHLD is meant to have reaped: read them all then.
  const reaps = first.effects.some((e) => e.kind === 'signal' && e.signal === SIGNAL.CHLD);
  const before = deps.judge !== undefined && reaps ? await deps.takeSnapshot(units) : judged.snapshot;
  // The processes the command signals, by identity (pid + start time) as judged.
  const aimed = first.effects.flatMap((e) => (e.kind === 'signal' ? [{ pid: e.pid, startTime: e.startTime }] : []));
  const expected = [...(request.expect ?? []), ...aimed];
  const changed = identityChanges(expected, before);
  const reused = changed.find((c) => c.now !== null);
  if (reused) {
    const message =
      reused.threadOf === undefined
        ? `PID ${reused.pid} now belongs to another process (start time ${reused.now}, was ${reused.was}): the target exited and its PID was reused.`
        : `Thread ${reused.pid} (of PID ${reused.threadOf}) is another thread now (start time ${reused.now}, was ${reused.was}): the thread expected exited and its id was reused.`;
    return refuse('pid-reused', `${message} Nothing was run; check again.`, first.verdict);
  }
  const gone = changed.find((c) => c.now === null);
  if (gone) return refuse('target-gone', `PID ${gone.pid} exited before the command ran. Nothing was run; check again.`, first.verdict);
  const second: Analysis = judged.analysis;
  if (second.verdict.decision === 'deny') return refuse('denied-on-recheck', 'On a fresh snapshot the validator now denies this command. Nothing was run.', second.verdict);
  if (strictest([first.verdict.decision, second.verdict.decision]) !== first.verdict.decision && confirmedBy === 'not-needed') {
    const yes = await confirmed(second.verdict, true);
    if (typeof yes !== 'string') return yes;
    confirmedBy = yes;
  }

  // Interrupted while it was judged again or asked about: stop here, before anything runs.
  const late = interrupted(second.verdict);
  if (late !== null) return late;

  const plan = planRun(deps.validator.parse(second.text), second.text);
  audit({
    event: 'decision',
    id,
    at: at(),
    command: second.verdict.command,
    decision: second.verdict.decision,
    rules: second.verdict.rules,
    targets: second.verdict.targets,
    confirmedBy,
    mode: plan.mode,
    argv: [plan.file, ...plan.args],
    uid: deps.uid,
  });
  deps.progress(plan.mode === 'argv' ? `running ${[plan.file, ...plan.args].join(' ')} (no shell)` : 'running with /bin/sh -c');
  const run = deps.run ?? runPlan;
  let result: RunResult;
  try {
    result = await run(plan, {
      timeoutMs: request.timeoutMs,
      graceMs: 2000,
      now: () => deps.now().getTime(),
      onStdout: (c) => deps.onStdout(c),
      onStderr: (c) => deps.onStderr(c),
      ...(deps.signal ? { signal: deps.signal } : {}),
    });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    audit({ event: 'result', id, at: at(), command: second.verdict.command, exitCode: null, signal: null, timedOut: false, interrupted: false, interruptedBy: null, error: message, durationMs: 0 });
    throw error;
  }
  audit({ event: 'result', id, at: at(), command: second.verdict.command, exitCode: result.exitCode, signal: result.signal, timedOut: result.timedOut, interrupted: result.interrupted, interruptedBy: result.interruptedBy, error: result.error, durationMs: result.durationMs });

  let checks: Check[] = [];
  if (!result.interrupted && second.effects.length > 0) {
    deps.progress('verifying the effect');
    const deadline = deps.now().getTime() + (request.settleMs ?? 5000);
    const watched = observed(second.effects, before);
    for (;;) {
      const after = deps.observe !== undefined ? await deps.observe(watched.pids, [...new Set([...units, ...watched.units])]) : await deps.takeSnapshot(units);
      checks = verifyEffects(second.effects, before, after);
      if (settled(checks) || immediate(second.effects) || deps.now().getTime() >= deadline || deps.signal?.aborted === true) break;
      await deps.sleep(250);
    }
    audit({ event: 'verified', id, at: at(), command: second.verdict.command, checks });
  }
  return { kind: 'ran', id, verdict: second.verdict, plan, result, checks };
}
