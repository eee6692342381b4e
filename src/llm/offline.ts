import type { Finding } from '../analyzers/finding.js';
import type { PipelineReportLike } from '../context/facts.js';
import { matchesName, type Intent } from '../context/intent.js';
import { redactArgv, redactText } from '../context/redact.js';
import { printable, type SnapshotIndex } from '../snapshot/query.js';
import type { Process, SupervisorKind } from '../snapshot/schema.js';
import type { Verdict } from '../validator/verdict.js';
import { judgeCommands, type Answer } from './answer.js';

/**
 * Offline answers: the common question families, from the analyzers' findings and the
 * snapshot, with no LLM. Pure. Says plainly when a question needs an LLM.
 */
export interface OfflineInput {
  intent: Intent;
  index: SnapshotIndex;
  findings: readonly Finding[];
  pipelineReports: readonly PipelineReportLike[];
  check: (command: string) => Verdict;
}

export interface OfflineAnswer {
  answer: Answer;
  /** Set when the question is outside what offline answers cover. */
  needsLlm: boolean;
}

export const OFFLINE_FAMILIES =
  'top CPU or memory consumers (with filters), why a process is stuck, zombies, OOM kills, throttling and pressure, who manages a process, whether a command is safe, and process trees';

const mib = (n: number): string => `${(n / 2 ** 20).toFixed(1)} MiB`;
const name = (p: Process): string => `${printable(redactText(p.comm))} (${p.pid})`;
const cmdline = (p: Process): string => {
  const text = printable(redactArgv(p.argv).join(' '));
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
};

interface Draft {
  summary: string;
  rootCause: string;
  evidence: string[];
  pids: number[];
  commands: Array<{ command: string; why: string }>;
  needsLlm?: boolean;
}

function involves(f: Finding, pids: ReadonlySet<number>): boolean {
  return f.pids.some((p) => pids.has(p)) || (f.culpritPid !== null && pids.has(f.culpritPid));
}

function findingIds(findings: readonly Finding[], pick: (f: Finding) => boolean): string[] {
  const counts = new Map<string, number>();
  const ids: string[] = [];
  for (const f of findings) {
    const n = counts.get(f.code) ?? 0;
    counts.set(f.code, n + 1);
    if (pick(f)) ids.push(`F:${f.code}#${n}`);
  }
  return ids;
}

function remediationOf(findings: readonly Finding[]): Array<{ command: string; why: string }> {
  const seen = new Set<string>();
  const out: Array<{ command: string; why: string }> = [];
  for (const f of findings) {
    for (const r of f.remediation) {
      if (seen.has(r.command)) continue;
      seen.add(r.command);
      out.push({ command: r.command, why: r.why });
    }
  }
  return out.slice(0, 6);
}

/** The processes a question names: pids, then names; optionally a fallback set. */
function targets(input: OfflineInput): Process[] {
  const { intent, index } = input;
  const out = new Map<number, Process>();
  for (const pid of intent.pids) out.set(pid, index.process(pid)!);
  if (out.size === 0) {
    for (const p of index.snapshot.processes) if (intent.names.some((n) => matchesName(p, n))) out.set(p.pid, p);
    for (const u of intent.units) {
      const unit = index.unit(u);
      if (unit?.mainPid) {
        const p = index.process(unit.mainPid);
        if (p) out.set(p.pid, p);
      }
      for (const p of index.snapshot.processes) if (p.owner.unit?.name === u) out.set(p.pid, p);
    }
  }
  return [...out.values()];
}

function missingNote(intent: Intent): string {
  return intent.missingPids.length > 0 ? ` PID ${intent.missingPids.join(', ')} is not in the snapshot: it may have exited, or it lives in another PID namespace.` : '';
}

function describeState(p: Process): string {
  switch (p.state) {
    case 'D':
      return `${name(p)} is in uninterruptible sleep (D) in ${p.wchan ?? 'the kernel'}: it waits for I/O (a disk, NFS or FUSE mount, a device) and will not react to signals, not even SIGKILL, until that returns`;
    case 'T':
    case 't':
      return `${name(p)} is stopped (${p.state}): something sent it SIGSTOP/SIGTSTP (Ctrl-Z, a debugger, a freezer) and it does nothing until it gets SIGCONT`;
    case 'Z':
      return `${name(p)} is a zombie: it has exited and waits for its parent ${p.ppid} to reap it`;
    case 'R':
      // Runnable when read, yet idle over the sample: caught between waits (or just started), not busy.
      if (p.cpu !== null && p.cpu.percent < 1 && !p.cpu.progressed) return `${name(p)} was runnable (R) when read but used no CPU during the sample: it is neither busy nor known to be blocked; ask again in a moment`;
      return `${name(p)} is running${p.cpu ? ` at ${p.cpu.percent.toFixed(0)}% of a CPU` : ''}: it is busy, not blocked`;
    default: {
      const progress = p.cpu === null ? '' : p.cpu.progressed ? ', and it made progress during the sample (slow, not hung)' : ', and it made no progress during the sample';
      return `${name(p)} is sleeping (${p.state}) in ${p.wchan ?? 'an unknown wait'}${progress}`;
    }
  }
}

function topBy(input: OfflineInput, metric: 'cpu' | 'memory'): Draft {
  const { intent, index, findings } = input;
  const memTotal = index.snapshot.host.meminfo.MemTotal ?? 0;
  const sampled = index.snapshot.processes.some((p) => p.cpu !== null);
  const value = (p: Process): number => (metric === 'cpu' ? (p.cpu?.percent ?? (sampled ? 0 : p.utime + p.stime)) : p.rss);
  const t = intent.threshold && intent.threshold.metric === metric ? intent.threshold : null;
  const passes = (p: Process): boolean => {
    if (t === null) return true;
    const v = metric === 'cpu' ? (p.cpu?.percent ?? 0) : t.percent ? (memTotal > 0 ? (p.rss / memTotal) * 100 : 0) : p.rss;
    return t.op === '>' ? v > t.value : v < t.value;
  };
  // procdoc itself (busy reading /proc while it was read) is not what the question is about.
  const list = index.snapshot.processes
    .filter((p) => !p.kernelThread && p.state !== 'Z' && p.pid !== index.snapshot.self.pid)
    // Over a sample, a process that used no CPU is no top consumer: the list may end short.
    .filter((p) => !(metric === 'cpu' && sampled && (p.cpu?.percent ?? 0) < 0.05))
    .filter((p) => intent.names.length === 0 || intent.names.some((n) => matchesName(p, n)))
    .filter((p) => intent.user === null || p.user === intent.user)
    .filter(passes)
    .sort((a, b) => value(b) - value(a) || a.pid - b.pid)
    .slice(0, intent.limit);
  const filters = [
    intent.names.length > 0 ? `named ${intent.names.join('/')}` : '',
    intent.user !== null ? `of user ${intent.user}` : '',
    t !== null ? `${t.op === '>' ? 'over' : 'under'} ${t.percent ? `${t.value}%` : mib(t.value)}${metric === 'cpu' ? ' CPU' : ''}` : '',
  ].filter((s) => s !== '').join(', ');
  const what = metric === 'cpu' ? 'CPU' : 'memory';
  if (list.length === 0) {
    return {
      summary: `No process${filters === '' ? '' : ` ${filters}`} was found${metric === 'cpu' && sampled ? ' using CPU over the sample' : ''}.${metric === 'cpu' && !sampled ? ' The snapshot has no CPU sample, so CPU% is unknown.' : ''}`,
      rootCause: 'Nothing matches the question in this snapshot.',
      evidence: [],
      pids: [],
      commands: [],
    };
  }
  const lines = list.map((p) => {
    const figure =
      metric === 'cpu'
        ? p.cpu
          ? `${p.cpu.percent.toFixed(1)}% CPU${p.cpu.quotaPercent !== null ? ` (${p.cpu.quotaPercent.toFixed(0)}% of its cgroup quota)` : ''}`
          : `${((p.utime + p.stime) / index.snapshot.host.clockTicks).toFixed(1)}s CPU time`
        : `${mib(p.rss)} RSS${memTotal > 0 ? ` (${((p.rss / memTotal) * 100).toFixed(1)}% of RAM)` : ''}${cgroupMemNote(index, p)}`;
    const parent = intent.withParents ? index.process(p.ppid) : undefined;
    return `${name(p)} ${figure}${p.user ? `, user ${p.user}` : ''}${intent.withParents ? `, parent ${parent ? name(parent) : p.ppid}` : ''} — ${cmdline(p)}`;
  });
  const pids = new Set(list.map((p) => p.pid));
  const related = findings.filter((f) => involves(f, pids) && (metric === 'cpu' ? /cpu|realtime|affinity|throttl/.test(f.code) : /memory|oom/.test(f.code)));
  const evidence = [
    ...list.map((p) => `P${p.pid}.${metric === 'cpu' ? 'cpu' : 'rss'}`),
    ...(intent.withParents ? list.map((p) => `P${p.pid}.ppid`) : []),
    ...findingIds(findings, (f) => related.includes(f)),
  ];
  return {
    summary: `Top ${what} consumers${filters === '' ? '' : ` (${filters})`}:\n${lines.map((l) => `  ${l}`).join('\n')}${metric === 'cpu' && !sampled ? '\n(The snapshot has no CPU sample; ranked by CPU time since start.)' : ''}`,
    rootCause: related.length > 0 ? related.map((f) => f.summary).join(' ') : `${name(list[0]!)} uses the most ${what}${filters === '' ? '' : ` among those ${filters}`}; no analyzer flagged it as a problem.`,
    evidence,
    pids: [...pids, ...(intent.withParents ? list.map((p) => p.ppid).filter((pid) => index.process(pid)) : [])].filter((v, i, a) => a.indexOf(v) === i),
    commands: remediationOf(related),
  };
}

function cgroupMemNote(index: SnapshotIndex, p: Process): string {
  const c = index.cgroupFor(p, 'memory');
  const max = c?.memory?.max;
  if (!c || max === null || max === undefined || max <= 0) return '';
  const current = c.memory?.current;
  return `; its cgroup ${redactText(c.path)} uses ${current == null ? '?' : mib(current)} of ${mib(max)}`;
}

function stuck(input: OfflineInput): Draft {
  const { index, findings, pipelineReports, intent } = input;
  let procs = targets(input);
  const stalledReports = pipelineReports.filter((r) => r.verdict.code !== 'progressing' && r.verdict.code !== 'finished');
  // Asked about a PID that is not there: say that first; what else is stuck is only context.
  const elsewhere = procs.length === 0 && intent.missingPids.length > 0;
  if (procs.length > 1 && intent.pids.length === 0) {
    // Named, not numbered ("the sleep pipeline"): of the processes of that name, the stuck ones.
    const stalled = new Set(stalledReports.flatMap((r) => r.stages.map((st) => st.pid)));
    const stuckOnes = procs.filter((p) => stalled.has(p.pid) || p.state === 'D' || p.state === 'T' || findings.some((f) => involves(f, new Set([p.pid]))));
    if (stuckOnes.length > 0) procs = stuckOnes;
  }
  if (procs.length === 0) {
    const fromPipelines = stalledReports.map((r) => r.verdict.culpritPid ?? r.stages[0]?.pid);
    procs = [
      ...fromPipelines.flatMap((pid) => (pid === undefined || pid === null ? [] : [index.process(pid)].filter((p) => p !== undefined))),
      ...index.snapshot.processes.filter((p) => !p.kernelThread && (p.state === 'D' || p.state === 'T')),
    ].filter((p, i, a) => a.findIndex((q) => q.pid === p.pid) === i);
  }
  if (procs.length === 0) {
    return {
      summary: `No process named in the question was found, and nothing is stopped, in D state or in a stalled pipeline.${missingNote(intent)}`,
      rootCause: 'Nothing in the snapshot is stuck.',
      evidence: [],
      pids: [],
      commands: [],
    };
  }
  procs = procs.slice(0, 8);
  const pids = new Set(procs.map((p) => p.pid));
  const reports = pipelineReports.filter((r) => r.stages.some((s) => pids.has(s.pid)));
  const related = findings.filter((f) => involves(f, pids));
  const commands = [...reports.flatMap((r) => r.remediation ?? []).map((r) => ({ command: r.command, why: r.why })), ...remediationOf(related)].filter(
    (c, i, a) => a.findIndex((d) => d.command === c.command) === i,
  );
  const rootCause =
    reports.length > 0
      ? reports.map((r) => r.verdict.explanation).join(' ')
      : related.length > 0
        ? related.map((f) => f.summary).join(' ')
        : `${describeState(procs[0]!)}.`;
  return {
    summary: elsewhere
      ? `${missingNote(intent).trim()} Stuck elsewhere on this host:\n${procs.map((p) => `${describeState(p)}.`).join('\n')}`
      : `${procs.map((p) => `${describeState(p)}.`).join('\n')}${missingNote(intent)}`,
    rootCause: elsewhere ? `PID ${intent.missingPids.join(', ')} is not in the snapshot, so nothing can be said of it.` : rootCause,
    evidence: [
      ...procs.flatMap((p) => [`P${p.pid}.state`, ...(p.wchan ? [`P${p.pid}.wchan`] : [])]),
      ...reports.map((r) => `PL:${r.verdict.culpritPid ?? r.stages[0]?.pid ?? 0}.verdict`),
      ...findingIds(findings, (f) => related.includes(f)),
    ],
    pids: [...pids, ...reports.map((r) => r.verdict.culpritPid).filter((p): p is number => p !== null)].filter((v, i, a) => a.indexOf(v) === i),
    commands: commands.slice(0, 6),
  };
}

function zombies(input: OfflineInput): Draft {
  const { index, findings } = input;
  const zs = index.snapshot.processes.filter((p) => p.state === 'Z');
  const related = findings.filter((f) => f.code === 'zombie-unreaped');
  if (zs.length === 0) {
    return { summary: 'There are no zombie processes in this snapshot.', rootCause: 'No zombies.', evidence: [], pids: [], commands: [] };
  }
  const byParent = new Map<number, Process[]>();
  for (const z of zs) byParent.set(z.ppid, [...(byParent.get(z.ppid) ?? []), z]);
  const lines = [...byParent.entries()].map(([ppid, list]) => {
    const parent = index.process(ppid);
    return `${list.length} zombie${list.length > 1 ? 's' : ''} (${list.slice(0, 8).map(name).join(', ')}) of ${parent ? `${name(parent)} — ${cmdline(parent)}` : `parent ${ppid}`}`;
  });
  const commands = remediationOf(related);
  return {
    summary: `${zs.length} zombie process${zs.length > 1 ? 'es' : ''}:\n${lines.map((l) => `  ${l}`).join('\n')}`,
    rootCause:
      related.length > 0
        ? related.map((f) => f.summary).join(' ')
        : 'A zombie is a process that has exited and whose parent has not called wait() on it; it holds only a PID. The parent is the one to fix.',
    evidence: [...zs.slice(0, 10).map((z) => `P${z.pid}.state`), ...[...byParent.keys()].filter((p) => index.process(p)).map((p) => `P${p}.comm`), ...findingIds(findings, (f) => related.includes(f))],
    pids: [...zs.map((z) => z.pid).slice(0, 20), ...[...byParent.keys()].filter((p) => index.process(p))],
    commands:
      commands.length > 0
        ? commands
        : [...byParent.keys()].filter((p) => index.process(p) && p > 1).slice(0, 3).map((p) => ({ command: `kill -s CHLD ${p}`, why: 'ask the parent to reap its children; a zombie itself cannot be killed' })),
  };
}

function oom(input: OfflineInput): Draft {
  const { index, findings } = input;
  const killed = index.snapshot.cgroups.filter((c) => (c.memory?.events?.oomKill ?? 0) > 0 || (c.memory?.oomControl?.oomKill ?? 0) > 0);
  const related = findings.filter((f) => f.code === 'oom-kills-recorded' || f.code === 'oom-controller-exposed' || f.code === 'memory-near-limit');
  if (killed.length === 0 && related.length === 0) {
    return {
      summary: 'No OOM kills are recorded in any cgroup of this snapshot (memory.events oom_kill / memory.oom_control).',
      rootCause: 'No OOM kills recorded. Kills outside cgroup accounting (the global OOM killer) show in the kernel log: `journalctl -k --grep oom`.',
      evidence: [],
      pids: [],
      commands: [],
    };
  }
  const lines = killed.map((c) => {
    const n = c.memory?.events?.oomKill ?? c.memory?.oomControl?.oomKill ?? 0;
    const max = c.memory?.max;
    return `${redactText(c.path)}: ${n} OOM kill${n === 1 ? '' : 's'}${max != null ? `, limit ${mib(max)}` : ''}${c.memory?.current != null ? `, now ${mib(c.memory.current)}` : ''}`;
  });
  const pids = new Set(related.flatMap((f) => [...f.pids, ...(f.culpritPid === null ? [] : [f.culpritPid])]));
  return {
    summary: `${lines.length > 0 ? `OOM kills recorded:\n${lines.map((l) => `  ${l}`).join('\n')}` : 'No cgroup records an OOM kill, but the analyzers flagged memory risks.'}${related.length > 0 ? `\n${related.map((f) => `  ${f.title}`).join('\n')}` : ''}`,
    rootCause: related.length > 0 ? related.map((f) => f.summary).join(' ') : 'The cgroups above hit their memory limit and the kernel killed a process in them.',
    evidence: [...killed.map((c) => `CG:${redactText(c.path)}:memory.events.oom_kill`), ...findingIds(findings, (f) => related.includes(f))],
    pids: [...pids].filter((p) => index.process(p)),
    commands: remediationOf(related),
  };
}

function pressure(input: OfflineInput): Draft {
  const { index, findings } = input;
  const related = findings.filter((f) => f.code === 'cpu-throttled' || f.code === 'pressure-stall' || f.code === 'memory-near-limit');
  const throttled = index.snapshot.cgroups.filter((c) => (c.cpu?.sample?.throttledPeriods ?? 0) > 0 || (c.cpu?.nrThrottled ?? 0) > 0);
  const host = index.snapshot.host.pressure;
  const psiLine = (label: string, p: { some: { avg10: number; avg60: number } } | null | undefined): string | null =>
    p ? `${label} some avg10=${p.some.avg10} avg60=${p.some.avg60}` : null;
  const hostLines = [psiLine('cpu', host?.cpu), psiLine('memory', host?.memory), psiLine('io', host?.io)].filter((l): l is string => l !== null);
  const lines = throttled.slice(0, 8).map((c) => {
    const s = c.cpu?.sample;
    const quota = c.cpu?.quotaUs != null ? `${((c.cpu.quotaUs / (c.cpu.periodUs ?? 100000)) * 100).toFixed(0)}% of a CPU` : 'no quota';
    return `${redactText(c.path)}: throttled ${s ? `${s.throttledPeriods}/${s.periods} periods in the sample` : `${c.cpu?.nrThrottled ?? 0} periods since creation`}, quota ${quota}${s ? `, using ${s.percent.toFixed(0)}% of a CPU` : ''}`;
  });
  const pids = new Set(related.flatMap((f) => [...f.pids, ...(f.culpritPid === null ? [] : [f.culpritPid])]));
  const parts = [
    hostLines.length > 0 ? `Host pressure (PSI): ${hostLines.join('; ')}.` : 'Host pressure (PSI) is not available on this kernel.',
    lines.length > 0 ? `Throttled cgroups:\n${lines.map((l) => `  ${l}`).join('\n')}` : 'No cgroup is CPU-throttled.',
    ...related.map((f) => `${f.title}.`),
  ];
  return {
    summary: parts.join('\n'),
    rootCause:
      related.length > 0
        ? related.map((f) => f.summary).join(' ')
        : lines.length > 0
          ? 'The cgroups above use their whole CPU quota, so the kernel pauses them each period: judge their CPU against the quota, not the host.'
          : 'No throttling or sustained pressure in this snapshot.',
    evidence: [
      ...(host?.cpu ? ['H.pressure.cpu'] : []),
      ...(host?.memory ? ['H.pressure.memory'] : []),
      ...(host?.io ? ['H.pressure.io'] : []),
      ...throttled.slice(0, 8).map((c) => `CG:${redactText(c.path)}:cpu.stat.nr_throttled`),
      ...findingIds(findings, (f) => related.includes(f)),
    ],
    pids: [...pids].filter((p) => index.process(p)),
    commands: remediationOf(related),
  };
}

function whoManages(input: OfflineInput): Draft {
  const { index, findings, intent } = input;
  const procs = targets(input).slice(0, 5);
  if (procs.length === 0) {
    return {
      summary: `Name a process by PID or name: none in the question was found in the snapshot.${missingNote(intent)}`,
      rootCause: 'No target.',
      evidence: [],
      pids: [],
      commands: [],
    };
  }
  const lines = procs.map((p) => {
    const parts: string[] = [];
    const u = p.owner.unit;
    if (u) {
      const unit = index.unit(u.name);
      const restart = unit?.restart && unit.restart !== 'no' ? `; Restart=${unit.restart}, so killing it makes ${u.manager === 'user' ? 'the user manager' : 'systemd'} start it again (restarted ${unit.nRestarts ?? '?'} times)` : '';
      parts.push(`the ${u.manager} unit ${u.name}${restart}`);
    }
    if (p.owner.container) parts.push(`a ${p.owner.container.runtime} container ${p.owner.container.id.slice(0, 12)}`);
    if (p.owner.supervisor) parts.push(`the ${p.owner.supervisor.kind} supervisor ${printable(redactText(p.owner.supervisor.comm))} (${p.owner.supervisor.pid})`);
    const chain = index.ancestors(p.pid).slice(0, 5).map(name).join(' ← ');
    return `${name(p)} is managed by ${parts.length > 0 ? parts.join(', and ') : 'no unit, container or supervisor'}; parents: ${chain || 'none visible'}.`;
  });
  const units = procs.map((p) => p.owner.unit?.name).filter((u): u is string => u !== undefined);
  return {
    summary: `${lines.join('\n')}${missingNote(intent)}`,
    rootCause: managedBy(procs, units),
    evidence: [
      ...procs.flatMap(ownerEvidence),
      ...units.filter((u) => index.unit(u)).flatMap((u) => [`U:${u}.Restart`, `U:${u}.NRestarts`]),
      ...findingIds(findings, (f) => f.code === 'respawning-service' && procs.some((p) => involves(f, new Set([p.pid])))),
    ],
    pids: procs.map((p) => p.pid),
    commands: units.slice(0, 1).map((u) => ({ command: `systemctl status ${u}`, why: 'see the unit, its processes and recent log lines' })),
  };
}

/** Who to act through, for the first of `procs` that something manages: the unit, the container, the supervisor. */
function managedBy(procs: readonly Process[], units: readonly string[]): string {
  if (units.length > 0) return `Act through the service manager (systemctl … ${units[0]}), not kill: it owns the process.`;
  const contained = procs.find((p) => p.owner.container !== null)?.owner.container;
  if (contained) return `Act through ${contained.runtime} (its container ${contained.id.slice(0, 12)}): the container's runtime owns the process.`;
  const supervisor = procs.find((p) => p.owner.supervisor !== null)?.owner.supervisor;
  if (supervisor) {
    const note = supervisorNote(supervisor);
    const sentence = `${note.charAt(0).toUpperCase()}${note.slice(1)}`;
    return RESTARTING.has(supervisor.kind) ? `${sentence}: stop or change it there rather than with kill.` : `${sentence}; signals reach it directly.`;
  }
  return 'Nothing manages it beyond its parent process; signals reach it directly.';
}

/** The facts that say who runs a process: its parent, and its unit, container or supervisor. */
function ownerEvidence(p: Process): string[] {
  const { unit, container, supervisor } = p.owner;
  return [`P${p.pid}.ppid`, ...(unit ? [`P${p.pid}.unit`] : []), ...(container ? [`P${p.pid}.container`] : []), ...(supervisor ? [`P${p.pid}.supervisor`] : [])];
}

/** Supervisors that start what they run again when it exits. */
const RESTARTING = new Set<SupervisorKind>(['supervisord', 'pm2', 'runit', 's6', 'systemd']);

/** What a supervising ancestor does when the process exits. */
function supervisorNote(supervisor: NonNullable<Process['owner']['supervisor']>): string {
  const who = `${printable(redactText(supervisor.comm))} (${supervisor.pid})`;
  if (RESTARTING.has(supervisor.kind)) return `the ${supervisor.kind} supervisor ${who} may start it again`;
  if (supervisor.kind === 'cron') return `cron (${supervisor.pid}) started it as a job: killing it ends this run, and the next runs start on schedule`;
  if (supervisor.kind === 'tini' || supervisor.kind === 'dumb-init') return `it runs under ${supervisor.kind} ${who}, a container's init, which forwards signals and reaps but does not restart it`;
  return `it descends from PID 1 ${who}, which reaps it but does not restart it`;
}

/**
 * `kill [-SIG] NAME…`, as a person says "is it safe to kill -9 nginx?": kill takes PIDs, so
 * those of the named processes stand in for the names. Any other command is left as it is.
 */
function withPidsForNames(command: string, procs: readonly Process[]): string {
  const words = command.trim().split(/\s+/);
  if (words[0] !== 'kill' || procs.length === 0) return command;
  const options: string[] = [];
  const operands: string[] = [];
  for (let i = 1; i < words.length; i++) {
    const w = words[i]!;
    if (w === '-s' || w === '-n') options.push(w, words[++i] ?? '');
    else if (w.startsWith('-') && operands.length === 0) options.push(w);
    else operands.push(w);
  }
  if (operands.length === 0 || operands.some((w) => /^-?%?\d+$/.test(w))) return command;
  return ['kill', ...options, ...procs.slice(0, 8).map((p) => String(p.pid))].join(' ');
}

function safe(input: OfflineInput): Draft {
  const { intent, findings } = input;
  const procs = targets(input);
  const asked = intent.command === null ? null : withPidsForNames(intent.command, procs);
  const command = asked ?? (procs.length > 0 ? `kill ${procs.slice(0, 3).map((p) => p.pid).join(' ')}` : null);
  const byName = asked !== null && asked !== intent.command ? ` (kill takes PIDs: \`${intent.command}\` judged as the processes it names)` : '';
  if (command === null) {
    return {
      summary: `Say which command or process: e.g. "is it safe to run \`kill -9 1234\`?" or "is it safe to kill nginx?".${missingNote(intent)}`,
      rootCause: 'No command or target in the question.',
      evidence: [],
      pids: [],
      commands: [],
    };
  }
  const verdict = input.check(command);
  const reasons = verdict.rules.map((r) => `${r.id} (${r.decision}): ${r.message}`);
  const pids = verdict.targets.map((t) => t.pid).filter((p) => input.index.process(p));
  const related = findings.filter((f) => involves(f, new Set(pids)));
  const word = { allow: 'Yes, it is safe', confirm: 'Only with care: it needs confirmation', deny: 'No, procdoc refuses it' }[verdict.decision];
  const aimed = pids.slice(0, 3).flatMap((pid) => input.index.process(pid) ?? []);
  return {
    summary: `${word}: \`${command}\`${byName}.${reasons.length > 0 ? `\n${reasons.map((r) => `  ${r}`).join('\n')}` : ''}${verdict.alternatives.length > 0 ? `\nSafer: ${verdict.alternatives.join(' | ')}` : ''}${missingNote(intent)}`,
    // What the command acts on, which the verdict's rules take for granted: what runs it, what it leaves behind.
    rootCause: aimed.length > 0 ? aimed.map((p) => whatItIs(input.index, p)).join(' ') : (reasons[0] ?? `The validator found nothing against \`${command}\`.`),
    evidence: [
      ...pids.map((p) => `P${p}.state`),
      ...aimed.flatMap(ownerEvidence),
      ...findingIds(findings, (f) => related.includes(f)),
    ],
    pids,
    commands: [
      { command, why: 'the command asked about' },
      ...verdict.alternatives.slice(0, 3).map((a) => ({ command: a, why: 'a safer alternative the validator suggests' })),
    ],
  };
}

/**
 * One process as someone about to signal it needs to know it: its state, who runs it (and
 * would start it again), and the children that a signal to it alone leaves running.
 */
function whatItIs(index: SnapshotIndex, p: Process): string {
  const parent = index.process(p.ppid);
  const { unit, container, supervisor } = p.owner;
  const restart = unit ? index.unit(unit.name)?.restart : undefined;
  const owner = unit
    ? `the ${unit.manager} unit ${unit.name} runs it${restart && restart !== 'no' ? ` and starts it again (Restart=${restart})` : ''}`
    : container
      ? `it runs in ${container.runtime} container ${container.id.slice(0, 12)}`
      : supervisor && (RESTARTING.has(supervisor.kind) || supervisor.kind === 'cron')
        ? supervisorNote(supervisor)
        : `nothing manages it beyond its parent${parent ? ` ${name(parent)}` : ''}`;
  const children = index.children(p.pid).filter((c) => c.state !== 'Z');
  const left =
    children.length === 0
      ? 'it has no children'
      : `its ${children.length === 1 ? 'child' : `${children.length} children`} (${children.slice(0, 3).map(name).join(', ')}${children.length > 3 ? ', …' : ''}) ${children.length === 1 ? 'is' : 'are'} not signalled with it: ${children.length === 1 ? 'it keeps' : 'they keep'} running, adopted by PID 1 or a subreaper`;
  return `${name(p)}, ${p.state} (${cmdline(p) || 'no command line'}): ${owner}; ${left}.`;
}

function tree(input: OfflineInput): Draft {
  const { index, intent } = input;
  const procs = targets(input).slice(0, 3);
  if (procs.length === 0) {
    return { summary: `Name a process by PID or name for its tree.${missingNote(intent)}`, rootCause: 'No target.', evidence: [], pids: [], commands: [] };
  }
  const lines: string[] = [];
  const pids: number[] = [];
  for (const p of procs) {
    const ancestors = index.ancestors(p.pid).reverse();
    ancestors.forEach((a, i) => lines.push(`${'  '.repeat(i)}${name(a)} ${a.state}`));
    let count = 0;
    const walk = (q: Process, depth: number): void => {
      if (count++ >= 40) return;
      pids.push(q.pid);
      lines.push(`${'  '.repeat(ancestors.length + depth)}${depth === 0 ? '* ' : ''}${name(q)} ${q.state} — ${cmdline(q)}`);
      for (const c of index.children(q.pid)) walk(c, depth + 1);
    };
    walk(p, 0);
    if (count > 40) lines.push('  … (more descendants not shown)');
  }
  return {
    summary: `Process tree (ancestors above, * the process, descendants below):\n${lines.join('\n')}`,
    rootCause: 'A tree, not a diagnosis.',
    evidence: procs.map((p) => `P${p.pid}.ppid`),
    pids: pids.slice(0, 40),
    commands: [],
  };
}

function overview(input: OfflineInput, needsLlm: boolean): Draft {
  const { findings } = input;
  const intro = needsLlm ? `This question needs an LLM; offline, procdoc answers questions about ${OFFLINE_FAMILIES}.\n` : '';
  if (findings.length === 0) {
    return { summary: `${intro}The analyzers found nothing wrong on this host.`, rootCause: 'No findings.', evidence: [], pids: [], commands: [], needsLlm };
  }
  const top = findings.slice(0, 8);
  return {
    summary: `${intro}${findings.length} finding${findings.length > 1 ? 's' : ''}:\n${top.map((f) => `  [${f.severity}] ${f.title}`).join('\n')}`,
    rootCause: top[0]!.summary,
    evidence: findingIds(findings, (f) => top.includes(f)),
    pids: [...new Set(top.flatMap((f) => [...f.pids.slice(0, 5), ...(f.culpritPid === null ? [] : [f.culpritPid])]))].filter((p) => input.index.process(p)),
    commands: remediationOf(top),
    needsLlm,
  };
}

export function answerOffline(input: OfflineInput): OfflineAnswer {
  let draft: Draft;
  switch (input.intent.family) {
    case 'top-cpu':
      draft = topBy(input, 'cpu');
      break;
    case 'top-memory':
      draft = topBy(input, 'memory');
      break;
    case 'stuck':
      draft = stuck(input);
      break;
    case 'zombies':
      draft = zombies(input);
      break;
    case 'oom':
      draft = oom(input);
      break;
    case 'pressure':
      draft = pressure(input);
      break;
    case 'who-manages':
      draft = whoManages(input);
      break;
    case 'safe':
      draft = safe(input);
      break;
    case 'tree':
      draft = tree(input);
      break;
    case 'overview':
      draft = overview(input, false);
      break;
    case 'unknown':
      draft = overview(input, true);
      break;
  }
  const commands = judgeCommands(draft.commands, input.check).map(({ command, why, verdict }) => ({ command, why, verdict }));
  return {
    answer: { summary: draft.summary, rootCause: draft.rootCause, evidence: [...new Set(draft.evidence)], pids: draft.pids, commands },
    needsLlm: draft.needsLlm ?? false,
  };
}
