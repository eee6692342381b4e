import * as z from 'zod';

/**
 * The snapshot: the kernel's view of the processes, as one versioned JSON document.
 * This schema is the contract between the snapshotter and everything downstream, and the
 * format of `procdoc snapshot -o FILE` / `--from FILE`. Fields may be added; never renamed.
 *
 * Units: memory in bytes, CPU times in clock ticks (host.clockTicks per second) unless a
 * name says otherwise (`…Us` microseconds, `…Ms` milliseconds), times of day as ISO strings.
 */
import { SNAPSHOT_SCHEMA_VERSION } from './version.js';

export { SNAPSHOT_SCHEMA_VERSION };

const count = z.number().int().nonnegative();
/** A limit; null means "max" / unlimited. */
const limit = z.number().nonnegative().nullable();

export const PsiLineSchema = z.object({
  avg10: z.number(),
  avg60: z.number(),
  avg300: z.number(),
  /** Total stall time in microseconds. */
  totalUs: z.number(),
});
export const PsiSchema = z.object({
  some: PsiLineSchema,
  full: PsiLineSchema.nullable(),
});
export const PressureSchema = z.object({
  cpu: PsiSchema.nullable(),
  memory: PsiSchema.nullable(),
  io: PsiSchema.nullable(),
});
export type Psi = z.infer<typeof PsiSchema>;
export type Pressure = z.infer<typeof PressureSchema>;

/** Something the snapshotter tried to read and could not, and why (EACCES, ENOENT…). */
export const ReadErrorSchema = z.object({
  path: z.string(),
  pid: z.number().int().optional(),
  code: z.string(),
  message: z.string(),
});
export type ReadError = z.infer<typeof ReadErrorSchema>;

export const CgroupModeSchema = z.enum(['v1', 'v2', 'hybrid']);
export type CgroupMode = z.infer<typeof CgroupModeSchema>;

export const HostSchema = z.object({
  hostname: z.string(),
  kernel: z.string(),
  kernelVersion: z.string(),
  arch: z.string(),
  bootTime: z.string(),
  bootTimeEpoch: z.number(),
  clockTicks: z.number().int().positive(),
  pageSize: z.number().int().positive(),
  cpus: z.number().int().positive(),
  cpusOnline: z.string(),
  numaNodes: z.number().int().nonnegative(),
  /** /proc/meminfo, keys as the kernel names them, values in bytes (or counts where the kernel gives no unit). */
  meminfo: z.record(z.string(), z.number()),
  loadavg: z.tuple([z.number(), z.number(), z.number()]),
  pressure: PressureSchema.nullable(),
  cgroupMode: CgroupModeSchema,
  /** Where the v2 hierarchy is mounted (under sysRoot), if any. */
  cgroupV2Mount: z.string().nullable(),
  /** v1 hierarchies: controller list ("cpu,cpuacct", "name=systemd") -> mount point. */
  cgroupV1Mounts: z.record(z.string(), z.string()),
  root: z.boolean(),
  uid: z.number().int(),
  /** Which service manager runs as PID 1 (or in the namespace we can see). */
  initSystem: z.enum(['systemd', 'other', 'unknown']),
  procRoot: z.string(),
  sysRoot: z.string(),
});
export type Host = z.infer<typeof HostSchema>;

export const SignalsSchema = z.object({
  pending: z.array(z.string()),
  shdPending: z.array(z.string()),
  blocked: z.array(z.string()),
  ignored: z.array(z.string()),
  caught: z.array(z.string()),
});
export type Signals = z.infer<typeof SignalsSchema>;

export const FdKindSchema = z.enum(['pipe', 'socket', 'tty', 'file', 'anon', 'other']);
export const FdSchema = z.object({
  fd: count,
  target: z.string(),
  kind: FdKindSchema,
  /** Pipe or socket inode. */
  inode: z.number().int().nullable(),
  /** Open mode: read end, write end, or both. */
  mode: z.enum(['r', 'w', 'rw']).nullable(),
});
export type Fd = z.infer<typeof FdSchema>;

export const SmapsRollupSchema = z.object({
  rss: count,
  pss: count,
  pssAnon: count.nullable(),
  anonymous: count,
  privateDirty: count,
  privateClean: count,
  swap: count,
  swapPss: count.nullable(),
});

export const IoSchema = z.object({
  rchar: count,
  wchar: count,
  syscr: count,
  syscw: count,
  readBytes: count,
  writeBytes: count,
  cancelledWriteBytes: count,
});
export type Io = z.infer<typeof IoSchema>;

export const LimitSchema = z.object({ soft: limit, hard: limit });
export type Limit = z.infer<typeof LimitSchema>;

/** The deep tier: read only for the processes that matter, or all with --deep. */
export const DeepSchema = z.object({
  fds: z.array(FdSchema).nullable(),
  fdCount: count.nullable(),
  smapsRollup: SmapsRollupSchema.nullable(),
  /** Kernel stack frames (function names), when readable (root). */
  stack: z.array(z.string()).nullable(),
  io: IoSchema.nullable(),
  /** /proc/PID/limits keyed by a short name: nofile, nproc, as, core, stack, memlock, … */
  limits: z.record(z.string(), LimitSchema).nullable(),
  /** Inode of /proc/PID/ns/pid, to tell PID namespaces (containers) apart. */
  pidNs: z.number().int().nullable(),
});
export type Deep = z.infer<typeof DeepSchema>;

export const ContainerRuntimeSchema = z.enum(['docker', 'containerd', 'podman', 'kubepods', 'lxc', 'nspawn', 'unknown']);
export const SupervisorKindSchema = z.enum([
  'cron',
  'supervisord',
  'pm2',
  'runit',
  's6',
  'tini',
  'dumb-init',
  'systemd',
  'init',
]);
export type SupervisorKind = z.infer<typeof SupervisorKindSchema>;

/** Who manages a process: its unit, its container, the nearest supervising ancestor. */
export const OwnerSchema = z.object({
  unit: z
    .object({
      name: z.string(),
      manager: z.enum(['system', 'user']),
      /** For a user manager: whose. */
      userUid: z.number().int().nullable(),
      /** Slice the unit is in (e.g. system.slice). */
      slice: z.string().nullable(),
    })
    .nullable(),
  container: z
    .object({
      runtime: ContainerRuntimeSchema,
      id: z.string(),
    })
    .nullable(),
  supervisor: z
    .object({
      kind: SupervisorKindSchema,
      pid: z.number().int(),
      comm: z.string(),
    })
    .nullable(),
});
export type Owner = z.infer<typeof OwnerSchema>;

/** Derived from two or more samples: CPU share and whether the process made progress. */
export const CpuSampleSchema = z.object({
  /** Percent of one host CPU over the sample (200 = two CPUs busy). */
  percent: z.number(),
  /** Percent of its cgroup's CPU quota, or null when the cgroup has none. */
  quotaPercent: z.number().nullable(),
  /** CPU time, I/O counters or state changed between the first and last sample. */
  progressed: z.boolean(),
  /** Bytes read / written (rchar / wchar) between the samples, when io was readable. */
  ioDelta: z.object({ rchar: z.number(), wchar: z.number() }).nullable(),
});
export type CpuSample = z.infer<typeof CpuSampleSchema>;

export const ProcessSchema = z.object({
  pid: z.number().int().positive(),
  ppid: z.number().int().nonnegative(),
  pgid: z.number().int().nonnegative(),
  sid: z.number().int().nonnegative(),
  /** Raw tty_nr from stat; 0 when there is none. */
  ttyNr: z.number().int(),
  /** Terminal name (pts/3, tty1), when there is one. */
  tty: z.string().nullable(),
  /** Foreground process group of the terminal, -1 when none. */
  tpgid: z.number().int(),
  comm: z.string(),
  /** argv; empty for kernel threads and zombies. */
  argv: z.array(z.string()),
  /** cmdline was not NUL-separated text (binary or rewritten). */
  cmdlineBinary: z.boolean(),
  exe: z.string().nullable(),
  uid: z.number().int(),
  user: z.string().nullable(),
  gid: z.number().int(),
  /** One-letter state as in /proc/PID/stat: R S D Z T t X I P W K. */
  state: z.string().length(1),
  wchan: z.string().nullable(),
  nice: z.number().int(),
  priority: z.number().int(),
  policy: z.enum(['SCHED_OTHER', 'SCHED_FIFO', 'SCHED_RR', 'SCHED_BATCH', 'SCHED_IDLE', 'SCHED_DEADLINE', 'UNKNOWN']),
  rtPriority: z.number().int().nonnegative(),
  threads: z.number().int().nonnegative(),
  /** Start time in clock ticks after boot: together with pid it identifies a process. */
  startTime: z.number().int().nonnegative(),
  startedAt: z.string(),
  utime: count,
  stime: count,
  rss: count,
  vsz: count,
  /** Last CPU the process ran on. */
  processor: z.number().int(),
  kernelThread: z.boolean(),
  oomScore: z.number().int().nullable(),
  oomScoreAdj: z.number().int().nullable(),
  signals: SignalsSchema.nullable(),
  /** PIDs in each nested PID namespace, outermost first; last is the pid inside its own namespace. */
  nspid: z.array(z.number().int()),
  /** The process is PID 1 of a PID namespace other than ours (a container's init). */
  namespaceInit: z.boolean(),
  cgroup: z.object({
    /** Path in the v2 (unified) hierarchy, or null. */
    v2: z.string().nullable(),
    /** v1 hierarchies: controller list -> path. */
    v1: z.record(z.string(), z.string()),
  }),
  cpusAllowed: z.string().nullable(),
  memsAllowed: z.string().nullable(),
  /** Voluntary and involuntary context switches: progress evidence for sleepers. */
  ctxSwitches: z.object({ voluntary: count, nonvoluntary: count }).nullable(),
  owner: OwnerSchema,
  cpu: CpuSampleSchema.nullable(),
  deep: DeepSchema.nullable(),
});
export type Process = z.infer<typeof ProcessSchema>;

export const MemoryEventsSchema = z.object({
  low: count,
  high: count,
  max: count,
  oom: count,
  oomKill: count,
});

export const CgroupSchema = z.object({
  /** "2:/path" for the unified hierarchy, "1:memory:/path" for a v1 hierarchy. */
  id: z.string(),
  version: z.union([z.literal(1), z.literal(2)]),
  path: z.string(),
  /** v1: the hierarchy's controllers; v2: cgroup.controllers. */
  controllers: z.array(z.string()),
  /** Number of processes in it (cgroup.procs), when readable. */
  nprocs: count.nullable(),
  memory: z
    .object({
      current: count.nullable(),
      max: limit,
      high: limit,
      peak: count.nullable(),
      swapCurrent: count.nullable(),
      swapMax: limit,
      /** Anonymous memory (memory.stat anon / rss). */
      anon: count.nullable(),
      /** v2 memory.events, or v1 synthesized from memory.oom_control / failcnt. */
      events: MemoryEventsSchema.nullable(),
      /** v1 memory.failcnt. */
      failcnt: count.nullable(),
      /** v1 memory.oom_control. */
      oomControl: z.object({ oomKillDisable: z.boolean(), underOom: z.boolean(), oomKill: count.nullable() }).nullable(),
    })
    .nullable(),
  cpu: z
    .object({
      /** CFS quota per period in microseconds; null for no limit. */
      quotaUs: z.number().nullable(),
      periodUs: z.number().nullable(),
      /** v2 cpu.weight. */
      weight: z.number().nullable(),
      /** v1 cpu.shares. */
      shares: z.number().nullable(),
      /** Cumulative CPU usage in microseconds, when known. */
      usageUs: z.number().nullable(),
      nrPeriods: count.nullable(),
      nrThrottled: count.nullable(),
      throttledUs: z.number().nullable(),
      /** Derived from samples: percent of one host CPU, and of the quota. */
      sample: z
        .object({
          percent: z.number(),
          quotaPercent: z.number().nullable(),
          throttledPeriods: count,
          periods: count,
          throttledUs: z.number(),
        })
        .nullable(),
    })
    .nullable(),
  pids: z.object({ current: count.nullable(), max: limit }).nullable(),
  freezer: z
    .object({
      state: z.enum(['THAWED', 'FREEZING', 'FROZEN']),
      /** Whether this cgroup itself was frozen (v2 cgroup.freeze, v1 freezer.self_freezing), not only an ancestor; absent when unknown. */
      self: z.boolean().optional(),
    })
    .nullable(),
  pressure: PressureSchema.nullable(),
});
export type Cgroup = z.infer<typeof CgroupSchema>;

/** What the service manager says about a unit (systemctl show), where it answers. */
export const UnitSchema = z.object({
  name: z.string(),
  manager: z.enum(['system', 'user']),
  userUid: z.number().int().nullable(),
  type: z.string(),
  description: z.string().nullable(),
  loadState: z.string().nullable(),
  activeState: z.string().nullable(),
  subState: z.string().nullable(),
  restart: z.string().nullable(),
  restartUsec: z.number().nullable(),
  killMode: z.string().nullable(),
  killSignal: z.number().nullable(),
  mainPid: z.number().int().nullable(),
  controlGroup: z.string().nullable(),
  nRestarts: count.nullable(),
  oomScoreAdjust: z.number().int().nullable(),
  memoryMax: limit,
  /** MemoryHigh= and TasksMax= (absent from snapshots of procdoc 0.1 before they were read). */
  memoryHigh: limit.default(null),
  tasksMax: limit.default(null),
  cpuQuotaPerSecUs: z.number().nullable(),
  fragmentPath: z.string().nullable(),
});
export type Unit = z.infer<typeof UnitSchema>;

/** One point of a time series: enough to judge trends (CPU, growth, pressure). */
export const SeriesPointSchema = z.object({
  at: z.string(),
  /** Milliseconds since the first point (monotonic). */
  offsetMs: z.number(),
  processes: z.array(
    z.object({
      pid: z.number().int(),
      startTime: z.number().int(),
      state: z.string(),
      utime: count,
      stime: count,
      rss: count,
      anonymous: count.nullable(),
      privateDirty: count.nullable(),
      rchar: count.nullable(),
      wchar: count.nullable(),
    }),
  ),
  cgroups: z.array(
    z.object({
      id: z.string(),
      memoryCurrent: count.nullable(),
      cpuUsageUs: z.number().nullable(),
      nrThrottled: count.nullable(),
      pressure: PressureSchema.nullable(),
    }),
  ),
  pressure: PressureSchema.nullable(),
});
export type SeriesPoint = z.infer<typeof SeriesPointSchema>;

/** One line of /proc/locks: a file lock held, or (blocked) waited for. */
export const LockSchema = z.object({
  id: z.number().int(),
  /** FLOCK, POSIX, OFDLCK, LEASE… */
  kind: z.string(),
  /** ADVISORY or MANDATORY. */
  mode: z.string(),
  /** READ or WRITE. */
  access: z.string(),
  /** Owner, or for a blocked entry the waiter; -1 for open-file-description locks. */
  pid: z.number().int(),
  /** "major:minor" of the file's device. */
  device: z.string(),
  inode: z.number().int(),
  /** A "->" line: this process waits for the lock. */
  blocked: z.boolean(),
});
export type Lock = z.infer<typeof LockSchema>;

/** A thread id that a command named, and the process it is a thread of (its Tgid). */
export const ThreadSchema = z.object({
  tid: z.number().int(),
  pid: z.number().int(),
  /** The thread's own start time (clock ticks since boot): with tid, its identity. Null in older snapshots. */
  startTime: z.number().int().nullable().default(null),
});
export type Thread = z.infer<typeof ThreadSchema>;

export const SnapshotSchema = z.object({
  schemaVersion: z.literal(SNAPSHOT_SCHEMA_VERSION),
  kind: z.literal('procdoc-snapshot'),
  capturedAt: z.string(),
  durationMs: z.number(),
  host: HostSchema,
  /** The process that took the snapshot and its ancestors, so a validator knows "self". */
  self: z.object({ pid: z.number().int(), ancestors: z.array(z.number().int()) }),
  /** Whether every process got the deep tier (--deep). */
  deep: z.boolean(),
  // Every /proc lists at least the process reading it: a snapshot of none was not read from one.
  processes: z.array(ProcessSchema).min(1, 'a snapshot lists at least one process'),
  cgroups: z.array(CgroupSchema),
  units: z.array(UnitSchema),
  /** Samples in time order; two or more when the snapshot was sampled. */
  series: z.array(SeriesPointSchema),
  /** /proc/locks: who holds and who waits for file locks (absent in older snapshots). */
  locks: z.array(LockSchema).default([]),
  /**
   * Ids asked about (a command's targets, for check and exec) that name a thread of a
   * process, not a process: a thread id opens under /proc without being listed there, and
   * kill(2) given one signals the whole process. Not every thread of the host (absent in
   * older snapshots).
   */
  threads: z.array(ThreadSchema).default([]),
  errors: z.array(ReadErrorSchema),
});
export type Snapshot = z.infer<typeof SnapshotSchema>;
