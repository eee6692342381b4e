import type { Finding } from '../analyzers/finding.js';
import type { SnapshotIndex } from '../snapshot/query.js';
import type { Cgroup, Process, Snapshot, Unit } from '../snapshot/schema.js';
import { redactArgv, redactText } from './redact.js';
import { quoteUntrusted } from './untrusted.js';

/**
 * Facts and their ids. Every line of the context is one entity (a finding, a process, a
 * cgroup, a unit, the host) followed by `key=value` pairs; a fact id is the entity id
 * plus the key, and it is what the model cites as evidence:
 *   P4711.state   CG:/system.slice/x.service:memory.events.oom_kill   U:nginx.service.NRestarts
 *   F:zombie-unreaped#0   H.loadavg   PL:4700.verdict
 */

/** The part of a pipeline report the context needs (src/analyzers/pipeline: PipelineReport). */
export interface PipelineReportLike {
  stages: ReadonlyArray<{ pid: number; comm?: string; state?: string; wchan?: string | null; progressing?: boolean }>;
  verdict: { code: string; culpritPid: number | null; explanation: string };
  remediation?: ReadonlyArray<{ command: string; why: string }>;
}

const MiB = 2 ** 20;
function mib(bytes: number): string {
  return bytes >= 10 * 2 ** 30 ? `${(bytes / 2 ** 30).toFixed(1)}GiB` : `${(bytes / MiB).toFixed(1)}MiB`;
}
function pct(n: number): string {
  return `${n.toFixed(1)}%`;
}

/** Untrusted text: redacted, then quoted so it cannot break out of its line or block. */
export function untrusted(text: string, max = 160): string {
  const clean = redactText(text);
  return quoteUntrusted(clean.length > max ? `${clean.slice(0, max)}…` : clean);
}

export function argvText(p: Process, max = 200): string {
  const argv = redactArgv(p.argv);
  const joined = argv
    .map((a) => (/\s/.test(a.trim()) && argv.length > 1 ? `'${a.trim()}'` : a))
    .join(' ')
    .trim();
  return quoteUntrusted(joined.length > max ? `${joined.slice(0, max)}…` : joined);
}

export const PROCESS_KEYS = [
  'comm', 'argv', 'exe', 'state', 'wchan', 'ppid', 'pgid', 'sid', 'tty', 'user', 'uid', 'cpu', 'cpuQuota', 'progressed',
  'rss', 'vsz', 'threads', 'nice', 'policy', 'rtPriority', 'oomScore', 'oomScoreAdj', 'startedAt', 'unit', 'container',
  'supervisor', 'cgroup', 'sigIgnored', 'sigBlocked', 'sigCaught', 'sigPending', 'namespaceInit', 'kernelThread',
  'fds', 'nofile', 'pipes', 'stack', 'anon', 'privateDirty', 'swap', 'io', 'pidNs', 'cpusAllowed', 'ctxSwitches',
] as const;
export const CGROUP_KEYS = [
  'procs', 'memory.current', 'memory.max', 'memory.high', 'memory.peak', 'memory.anon', 'memory.swap.current',
  'memory.events.high', 'memory.events.max', 'memory.events.oom', 'memory.events.oom_kill', 'memory.failcnt',
  'memory.oom_control.under_oom', 'cpu.max', 'cpu.weight', 'cpu.shares', 'cpu.percent', 'cpu.quotaPercent',
  'cpu.stat.nr_periods', 'cpu.stat.nr_throttled', 'cpu.stat.throttled_usec', 'pids.current', 'pids.max',
  'freezer.state', 'pressure.cpu', 'pressure.memory', 'pressure.io',
] as const;
export const UNIT_KEYS = [
  'ActiveState', 'SubState', 'Restart', 'RestartUSec', 'NRestarts', 'KillMode', 'KillSignal', 'MainPID', 'ControlGroup',
  'MemoryMax', 'CPUQuotaPerSecUSec', 'OOMScoreAdjust', 'Description', 'FragmentPath', 'LoadState',
] as const;
export const HOST_KEYS = ['hostname', 'kernel', 'cpus', 'memTotal', 'memAvailable', 'swap', 'loadavg', 'cgroupMode', 'root', 'initSystem', 'pressure.cpu', 'pressure.memory', 'pressure.io', 'capturedAt'] as const;

const PROCESS_KEY_SET = new Set<string>(PROCESS_KEYS);
const CGROUP_KEY_SET = new Set<string>(CGROUP_KEYS);
const UNIT_KEY_SET = new Set<string>(UNIT_KEYS);
const HOST_KEY_SET = new Set<string>(HOST_KEYS);

function line(id: string, pairs: Array<[string, string | number | boolean | null | undefined]>): string {
  const parts = pairs.filter(([, v]) => v !== null && v !== undefined && v !== '').map(([k, v]) => `${k}=${String(v)}`);
  return `${id} ${parts.join(' ')}`;
}

export function findingId(findings: readonly Finding[], index: number): string {
  const f = findings[index]!;
  let n = 0;
  for (let i = 0; i < index; i++) if (findings[i]!.code === f.code) n++;
  return `F:${f.code}#${n}`;
}

export function renderFinding(findings: readonly Finding[], index: number): string {
  const f = findings[index]!;
  const evidence = f.evidence
    .slice(0, 6)
    .map((e) => `${e.source}:${e.field}=${typeof e.value === 'string' ? untrusted(e.value, 80) : String(e.value)}`)
    .join('; ');
  const fixes = f.remediation
    .slice(0, 3)
    .map((r) => `${untrusted(r.command, 120)} (${r.verdict.decision})`)
    .join('; ');
  return line(findingId(findings, index), [
    ['severity', f.severity],
    ['pids', f.pids.length > 0 ? f.pids.slice(0, 12).join(',') + (f.pids.length > 12 ? `,…(${f.pids.length})` : '') : null],
    ['culprit', f.culpritPid],
    ['units', f.units.length > 0 ? f.units.map((u) => untrusted(u, 80)).join(',') : null],
    ['cgroups', f.cgroups.length > 0 ? f.cgroups.map((c) => untrusted(c, 100)).join(',') : null],
    ['title', untrusted(f.title, 160)],
    ['summary', untrusted(f.summary, 400)],
    ['evidence', evidence === '' ? null : `[${evidence}]`],
    ['remediation', fixes === '' ? null : `[${fixes}]`],
  ]);
}

const WATCHED_SIGNALS = new Set(['TERM', 'INT', 'HUP', 'QUIT', 'CHLD', 'SIGTERM', 'SIGINT', 'SIGHUP', 'SIGQUIT', 'SIGCHLD']);
function signalList(list: readonly string[] | undefined): string | null {
  if (list === undefined) return null;
  const watched = list.filter((s) => WATCHED_SIGNALS.has(s));
  return watched.length > 0 ? watched.join(',') : null;
}

/** How much of a process to show: a line among many, a process the question is about, everything. */
export type ProcessDetail = 'short' | 'focus' | 'full';

/** One process as a fact line. */
export function renderProcess(p: Process, level: ProcessDetail | boolean): string {
  const lv: ProcessDetail = level === true ? 'full' : level === false ? 'short' : level;
  const full = lv === 'full';
  const more = lv !== 'short';
  const deep = p.deep;
  const pipes = deep?.fds
    ?.filter((fd) => fd.kind === 'pipe' && fd.fd <= 2)
    .map((fd) => `${fd.fd}:${fd.target}${fd.mode === null ? '' : `(${fd.mode})`}`)
    .join(',');
  const nofile = deep?.limits?.nofile;
  const supervisor = p.owner.supervisor;
  return line(`P${p.pid}`, [
    ['comm', untrusted(p.comm, 40)],
    ['argv', p.argv.length > 0 && (more || p.argv.join(' ') !== p.comm) ? argvText(p, full ? 300 : more ? 160 : 100) : null],
    ['exe', full && p.exe !== null ? untrusted(p.exe, 120) : null],
    ['state', p.state],
    ['wchan', p.wchan !== null && p.wchan !== '0' && p.wchan !== '' ? p.wchan : null],
    ['ppid', p.ppid],
    ['pgid', p.pgid !== p.pid || full ? p.pgid : null],
    ['sid', full ? p.sid : null],
    ['tty', p.tty],
    ['user', p.user ?? p.uid],
    ['cpu', p.cpu === null ? null : pct(p.cpu.percent)],
    ['cpuQuota', p.cpu?.quotaPercent == null ? null : pct(p.cpu.quotaPercent)],
    ['progressed', p.cpu === null || !more ? null : p.cpu.progressed],
    ['rss', mib(p.rss)],
    ['vsz', full ? mib(p.vsz) : null],
    ['threads', p.threads > 1 || full ? p.threads : null],
    ['nice', p.nice !== 0 ? p.nice : null],
    ['policy', p.policy !== 'SCHED_OTHER' ? `${p.policy}/${p.rtPriority}` : null],
    ['oomScore', full ? p.oomScore : null],
    ['oomScoreAdj', p.oomScoreAdj !== null && p.oomScoreAdj !== 0 ? p.oomScoreAdj : null],
    ['startedAt', full ? p.startedAt : null],
    ['unit', p.owner.unit === null ? null : untrusted(p.owner.unit.name, 80)],
    ['container', p.owner.container === null ? null : `${p.owner.container.runtime}:${p.owner.container.id.slice(0, 12)}`],
    // init as the nearest "supervisor" says nothing; a real one (cron, supervisord, tini) does.
    ['supervisor', supervisor === null || (supervisor.kind === 'init' && !full) ? null : `${supervisor.kind}(${supervisor.pid})`],
    ['cgroup', full || (more && p.owner.unit === null) ? cgroupText(p, full ? 160 : 60) : null],
    ['sigIgnored', signalList(p.signals?.ignored)],
    ['sigBlocked', more ? signalList(p.signals?.blocked) : null],
    ['sigCaught', full ? signalList(p.signals?.caught) : null],
    ['sigPending', p.signals && p.signals.pending.length > 0 ? p.signals.pending.join(',') : null],
    ['namespaceInit', p.namespaceInit ? true : null],
    ['kernelThread', p.kernelThread ? true : null],
    ['fds', more ? (deep?.fdCount ?? null) : null],
    ['nofile', more ? (nofile?.soft ?? null) : null],
    ['pipes', pipes === undefined || pipes === '' ? null : pipes],
    ['stack', more && deep?.stack && deep.stack.length > 0 ? deep.stack.slice(0, full ? 8 : 3).join(',') : null],
    ['anon', more && deep?.smapsRollup ? mib(deep.smapsRollup.anonymous) : null],
    ['privateDirty', full && deep?.smapsRollup ? mib(deep.smapsRollup.privateDirty) : null],
    ['swap', deep?.smapsRollup && deep.smapsRollup.swap > 0 ? mib(deep.smapsRollup.swap) : null],
    ['io', full && deep?.io ? `r${mib(deep.io.rchar)}/w${mib(deep.io.wchar)}` : null],
    ['pidNs', full ? (deep?.pidNs ?? null) : null],
    ['cpusAllowed', full ? p.cpusAllowed : null],
    ['ctxSwitches', full && p.ctxSwitches ? `${p.ctxSwitches.voluntary}/${p.ctxSwitches.nonvoluntary}` : null],
  ]);
}

function cgroupText(p: Process, max: number): string | null {
  if (p.cgroup.v2 !== null && p.cgroup.v2 !== '/') return untrusted(p.cgroup.v2, max);
  const mem = Object.entries(p.cgroup.v1).find(([k]) => k.split(',').includes('memory'))?.[1];
  if (mem !== undefined && mem !== '/') return untrusted(mem, max);
  return null;
}

function limitText(n: number | null): string {
  return n === null ? 'max' : mib(n);
}

function psi(p: Cgroup['pressure'], kind: 'cpu' | 'memory' | 'io'): string | null {
  const line = p?.[kind];
  if (!line) return null;
  const full = line.full ? ` full${line.full.avg10}/${line.full.avg60}` : '';
  return `some${line.some.avg10}/${line.some.avg60}${full}`;
}

/** Cgroup entity id: `CG:<path>`; for v1 the hierarchy is implied by the key's controller. */
export function cgroupEntity(c: Cgroup): string {
  return `CG:${redactText(c.path)}`;
}

export function renderCgroup(c: Cgroup): string {
  const m = c.memory;
  const cpu = c.cpu;
  const entity = `CG:${untrusted(c.path, 160).slice(1, -1)}`;
  return line(entity, [
    ['v', c.version === 1 ? `1(${c.controllers.join(',')})` : null],
    ['procs', c.nprocs],
    ['memory.current', m?.current == null ? null : mib(m.current)],
    ['memory.max', m && (m.max !== null || m.current !== null) ? limitText(m.max) : null],
    ['memory.high', m?.high == null ? null : mib(m.high)],
    ['memory.peak', m?.peak == null ? null : mib(m.peak)],
    ['memory.anon', m?.anon == null ? null : mib(m.anon)],
    ['memory.swap.current', m?.swapCurrent ? mib(m.swapCurrent) : null],
    ['memory.events.high', m?.events?.high || null],
    ['memory.events.max', m?.events?.max || null],
    ['memory.events.oom', m?.events?.oom || null],
    ['memory.events.oom_kill', m?.events ? m.events.oomKill : null],
    ['memory.failcnt', m?.failcnt || null],
    ['memory.oom_control.under_oom', m?.oomControl?.underOom ? true : null],
    ['cpu.max', cpu && cpu.quotaUs !== null ? `${cpu.quotaUs}/${cpu.periodUs ?? 100000}` : null],
    ['cpu.weight', cpu?.weight != null && cpu.weight !== 100 ? cpu.weight : null],
    ['cpu.shares', cpu?.shares != null && cpu.shares !== 1024 ? cpu.shares : null],
    ['cpu.percent', cpu?.sample ? pct(cpu.sample.percent) : null],
    ['cpu.quotaPercent', cpu?.sample?.quotaPercent == null ? null : pct(cpu.sample.quotaPercent)],
    ['cpu.stat.nr_periods', cpu?.nrPeriods || null],
    ['cpu.stat.nr_throttled', cpu?.nrThrottled || null],
    ['cpu.stat.throttled_usec', cpu?.throttledUs || null],
    ['pids.current', c.pids?.current ?? null],
    ['pids.max', c.pids ? (c.pids.max ?? 'max') : null],
    ['freezer.state', c.freezer?.state ?? null],
    ['pressure.cpu', psi(c.pressure, 'cpu')],
    ['pressure.memory', psi(c.pressure, 'memory')],
    ['pressure.io', psi(c.pressure, 'io')],
  ]);
}

export function renderUnit(u: Unit): string {
  return line(`U:${untrusted(u.name, 100).slice(1, -1)}`, [
    ['manager', u.manager === 'user' ? `user(${u.userUid ?? '?'})` : null],
    ['Description', u.description === null ? null : untrusted(u.description, 80)],
    ['LoadState', u.loadState !== 'loaded' ? u.loadState : null],
    ['ActiveState', u.activeState],
    ['SubState', u.subState],
    ['Restart', u.restart],
    ['RestartUSec', u.restart !== null && u.restart !== 'no' ? u.restartUsec : null],
    ['NRestarts', u.nRestarts],
    ['KillMode', u.killMode],
    ['KillSignal', u.killSignal !== null && u.killSignal !== 15 ? u.killSignal : null],
    ['MainPID', u.mainPid],
    ['ControlGroup', u.controlGroup === null ? null : untrusted(u.controlGroup, 120)],
    ['MemoryMax', u.memoryMax === null ? null : mib(u.memoryMax)],
    ['CPUQuotaPerSecUSec', u.cpuQuotaPerSecUs],
    ['OOMScoreAdjust', u.oomScoreAdjust !== null && u.oomScoreAdjust !== 0 ? u.oomScoreAdjust : null],
  ]);
}

/** The host line; `hostname` as it is to be shown (anonymized, or the snapshot's). */
export function renderHost(s: Snapshot, hostname = s.host.hostname): string {
  const h = s.host;
  const mem = h.meminfo;
  const hostPsi = (kind: 'cpu' | 'memory' | 'io'): string | null => psi(h.pressure, kind);
  return line('H', [
    ['hostname', untrusted(hostname, 60)],
    ['kernel', h.kernel],
    ['cpus', h.cpus],
    ['memTotal', mem.MemTotal === undefined ? null : mib(mem.MemTotal)],
    ['memAvailable', mem.MemAvailable === undefined ? null : mib(mem.MemAvailable)],
    ['swap', mem.SwapTotal ? `${mib(mem.SwapTotal - (mem.SwapFree ?? 0))}/${mib(mem.SwapTotal)}` : null],
    ['loadavg', h.loadavg.join(',')],
    ['cgroupMode', h.cgroupMode],
    ['root', h.root],
    ['initSystem', h.initSystem],
    ['pressure.cpu', hostPsi('cpu')],
    ['pressure.memory', hostPsi('memory')],
    ['pressure.io', hostPsi('io')],
    ['capturedAt', s.capturedAt],
  ]);
}

export function renderPipeline(r: PipelineReportLike): string {
  const id = `PL:${r.verdict.culpritPid ?? r.stages[0]?.pid ?? 0}`;
  return line(id, [
    ['verdict', r.verdict.code],
    ['culprit', r.verdict.culpritPid],
    ['stages', r.stages.map((s) => `${s.pid}${s.state ? `/${s.state}` : ''}`).join('|')],
    ['explanation', untrusted(r.verdict.explanation, 300)],
    ['remediation', r.remediation && r.remediation.length > 0 ? `[${r.remediation.slice(0, 3).map((x) => untrusted(x.command, 120)).join('; ')}]` : null],
  ]);
}

/** What grounding needs to know to tell a real fact id from a made-up one. */
export interface FactUniverse {
  index: SnapshotIndex;
  findings: readonly Finding[];
  pipelineReports?: readonly PipelineReportLike[];
}

/** Whether a fact id names something that exists in the snapshot, findings or pipeline reports. */
export function factExists(id: string, u: FactUniverse): boolean {
  const proc = /^P(\d+)\.([A-Za-z.]+)$/.exec(id);
  if (proc) return u.index.process(Number(proc[1])) !== undefined && PROCESS_KEY_SET.has(proc[2]!);
  const host = /^H\.([A-Za-z.]+)$/.exec(id);
  if (host) return HOST_KEY_SET.has(host[1]!);
  const finding = /^F:([a-z0-9-]+)#(\d+)$/.exec(id);
  if (finding) return u.findings.filter((f) => f.code === finding[1]).length > Number(finding[2]);
  const cg = /^CG:(.*):([a-z_.]+)$/.exec(id);
  if (cg) {
    if (!CGROUP_KEY_SET.has(cg[2]!)) return false;
    return u.index.snapshot.cgroups.some((c) => c.path === cg[1] || redactText(c.path) === cg[1]);
  }
  const unit = /^U:(.+)\.([A-Za-z]+)$/.exec(id);
  if (unit) return UNIT_KEY_SET.has(unit[2]!) && u.index.unit(unit[1]!) !== undefined;
  const pl = /^PL:(\d+)\.(verdict|culprit|stages|explanation|remediation)$/.exec(id);
  if (pl) {
    const pid = Number(pl[1]);
    return (u.pipelineReports ?? []).some((r) => (r.verdict.culpritPid ?? r.stages[0]?.pid) === pid);
  }
  return false;
}
