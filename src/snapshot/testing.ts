import type { Cgroup, Host, Process, Snapshot, Unit } from './schema.js';
import { SNAPSHOT_SCHEMA_VERSION } from './schema.js';

/**
 * Builders of hand-made snapshots for unit tests of pure code (analyzers, validator,
 * pipeline, context). Live behaviour is tested against real processes under test/.
 */
export function fakeHost(overrides: Partial<Host> = {}): Host {
  return {
    hostname: 'testhost',
    kernel: '6.1.0-test',
    kernelVersion: '#1 SMP',
    arch: 'x86_64',
    bootTime: '2026-01-01T00:00:00.000Z',
    bootTimeEpoch: 1767225600,
    clockTicks: 100,
    pageSize: 4096,
    cpus: 2,
    cpusOnline: '0-1',
    numaNodes: 1,
    meminfo: { MemTotal: 8 * 2 ** 30, MemAvailable: 6 * 2 ** 30, SwapTotal: 0, SwapFree: 0 },
    loadavg: [0.1, 0.1, 0.1],
    pressure: null,
    cgroupMode: 'v2',
    cgroupV2Mount: '/sys/fs/cgroup',
    cgroupV1Mounts: {},
    root: true,
    uid: 0,
    initSystem: 'systemd',
    procRoot: '/proc',
    sysRoot: '/sys',
    ...overrides,
  };
}

export function fakeProcess(overrides: Partial<Process> & { pid: number }): Process {
  const comm = overrides.comm ?? 'proc';
  return {
    ppid: 1,
    pgid: overrides.pid,
    sid: overrides.pid,
    ttyNr: 0,
    tty: null,
    tpgid: -1,
    comm,
    argv: [comm],
    cmdlineBinary: false,
    exe: `/usr/bin/${comm}`,
    uid: 0,
    user: 'root',
    gid: 0,
    state: 'S',
    wchan: 'do_select',
    nice: 0,
    priority: 20,
    policy: 'SCHED_OTHER',
    rtPriority: 0,
    threads: 1,
    startTime: 1000 + overrides.pid,
    startedAt: '2026-01-01T00:00:10.000Z',
    utime: 0,
    stime: 0,
    rss: 4 * 2 ** 20,
    vsz: 16 * 2 ** 20,
    processor: 0,
    kernelThread: false,
    oomScore: 0,
    oomScoreAdj: 0,
    signals: { pending: [], shdPending: [], blocked: [], ignored: [], caught: [] },
    nspid: [overrides.pid],
    namespaceInit: false,
    cgroup: { v2: '/', v1: {} },
    cpusAllowed: '0-1',
    memsAllowed: '0',
    ctxSwitches: { voluntary: 1, nonvoluntary: 0 },
    owner: { unit: null, container: null, supervisor: null },
    cpu: null,
    deep: null,
    ...overrides,
  };
}

export function fakeCgroup(overrides: Partial<Cgroup> & { path: string }): Cgroup {
  const version = overrides.version ?? 2;
  return {
    id: version === 2 ? `2:${overrides.path}` : `1:${overrides.controllers?.join(',') ?? 'memory'}:${overrides.path}`,
    version,
    controllers: ['cpu', 'memory', 'pids', 'io'],
    nprocs: null,
    memory: null,
    cpu: null,
    pids: null,
    freezer: null,
    pressure: null,
    ...overrides,
  };
}

export function fakeUnit(overrides: Partial<Unit> & { name: string }): Unit {
  return {
    manager: 'system',
    userUid: null,
    type: overrides.name.split('.').pop() ?? 'service',
    description: null,
    loadState: 'loaded',
    activeState: 'active',
    subState: 'running',
    restart: 'no',
    restartUsec: 100000,
    killMode: 'control-group',
    killSignal: 15,
    mainPid: null,
    controlGroup: `/system.slice/${overrides.name}`,
    nRestarts: 0,
    oomScoreAdjust: 0,
    memoryMax: null,
    memoryHigh: null,
    tasksMax: null,
    cpuQuotaPerSecUs: null,
    fragmentPath: null,
    ...overrides,
  };
}

/** A snapshot with PID 1 (systemd) and the given processes, cgroups and units. */
export function fakeSnapshot(parts: { processes?: Process[]; cgroups?: Cgroup[]; units?: Unit[]; host?: Partial<Host>; self?: Snapshot['self']; threads?: Snapshot['threads'] } = {}): Snapshot {
  const processes = parts.processes ?? [];
  const hasInit = processes.some((p) => p.pid === 1);
  return {
    schemaVersion: SNAPSHOT_SCHEMA_VERSION,
    kind: 'procdoc-snapshot',
    capturedAt: '2026-01-01T01:00:00.000Z',
    durationMs: 10,
    host: fakeHost(parts.host),
    self: parts.self ?? { pid: 99999, ancestors: [1] },
    deep: false,
    processes: hasInit ? processes : [fakeProcess({ pid: 1, ppid: 0, comm: 'systemd', argv: ['/sbin/init'] }), ...processes],
    cgroups: parts.cgroups ?? [fakeCgroup({ path: '/' })],
    units: parts.units ?? [],
    series: [],
    locks: [],
    threads: parts.threads ?? [],
    errors: [],
  };
}
