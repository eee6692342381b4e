import { Command } from '../commander.js';
import { ProcdocError } from '../../errors.js';
import type { Snapshot } from '../../snapshot/schema.js';
import { systemUnitsOf } from '../../validator/acc.js';
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
  const lines = [`${p.bold(label)}  ${verdict.command}`];
  for (const r of verdict.rules) lines.push(`  ${mark[r.decision]} ${p.bold(r.id)}: ${r.message}`);
  if (verdict.alternatives.length > 0) {
    lines.push(`  ${p.cyan('Instead:')}`);
    for (const a of verdict.alternatives) lines.push(`    ${a}`);
  }
  if (verdict.targets.length > 0) {
    lines.push(`  ${p.dim('Targets:')}`);
    for (const t of verdict.targets.slice(0, 12)) {
      const bits = [t.comm ?? '(gone)', t.startTime !== null ? `start ${t.startTime}` : null, t.unit].filter((b) => b !== null);
      lines.push(`    ${t.pid}  ${bits.join(', ')}`);
    }
    if (verdict.targets.length > 12) lines.push(`    … and ${verdict.targets.length - 12} more`);
  }
  return `${lines.join('\n')}\n`;
}

/** The command words: one word is shell text, several are an argv. */
export function commandWords(words: readonly string[], name: string): string[] {
  if (words.length === 0 || (words.length === 1 && words[0]!.trim() === '')) {
    throw new ProcdocError('usage', `procdoc ${name}: no command given.`, {
      hint: `Put the command after --, e.g. procdoc ${name} -- kill -TERM 4711, or as one quoted string: procdoc ${name} 'kill -TERM 4711'.`,
    });
  }
  return [...words];
}

/** Whether a command is judged against this machine (not a saved snapshot, not a fixture tree). */
function isLive(globals: GlobalOptions, from: string | undefined): boolean {
  return from === undefined && globals.procRoot === '/proc';
}

/**
 * Takes the snapshot a command is judged against: a saved one (--from), or the live system
 * with the system units the command acts on (`units`), even those that own no process.
 * `light` leaves what the validator needs only of its targets unread (SnapshotOptions.light).
 */
export async function snapshotFor(globals: GlobalOptions, from: string | undefined, units: readonly string[] = [], light = false): Promise<Snapshot> {
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
    light,
    sampleMs: 0,
    serviceManager: live,
  });
  return live ? withSystemUnits(snapshot, units) : snapshot;
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
      // The parser's WebAssembly loads asynchronously: start it before the snapshot blocks.
      const loading = import('../../validator/index.js').then((m) => m.loadValidator());
      const taken = opts.from === undefined;
      const [validator, snapshot] = await Promise.all([loading, snapshotFor(globals, opts.from, [], taken)]);
      // What it acts on is known once it is parsed: the light snapshot's unread details of
      // those processes are read now, and a stopped unit it names is asked about.
      const first = validator.analyze(command, snapshot);
      let judged = snapshot;
      if (taken) judged = (await import('../../snapshot/process.js')).withDetails(judged, first.verdict.targets.map((t) => t.pid), globals.procRoot);
      if (isLive(globals, opts.from)) judged = (await import('../../snapshot/systemd.js')).withSystemUnits(judged, systemUnitsOf(first.effects));
      const verdict = judged === snapshot ? first.verdict : validator.check(command, judged);
      if (opts.json === true) ctx.io.stdout(`${JSON.stringify(verdictJson(verdict), null, 2)}\n`);
      else ctx.io.stdout(renderVerdict(verdict, paint(useColor(ctx.io, globals.color))));
      ctx.setExitCode(exitCodeForDecision(verdict.decision));
    });
}
