import { z } from 'zod';
import { ProcdocError } from '../errors.js';

/**
 * Every threshold the analyzers use, with its default, in one place. Defaults are tuned so
 * that a quiet machine (idle shells, sleeping daemons, kernel threads, a busy build now and
 * then) yields nothing at warning or above; override them with `--threshold name=value`.
 */
export const ThresholdsSchema = z.object({
  /** Zombies under one parent at which the finding becomes critical (PID exhaustion looms). */
  zombiesCritical: z.number().int().positive().default(100),
  /** D-state processes at which uninterruptible-io becomes critical. */
  uninterruptibleCritical: z.number().int().positive().default(10),
  /** Percent of one CPU over the sample that counts as "most of a CPU". */
  runawayCpuPercent: z.number().positive().default(90),
  /** CPU seconds a process must have burnt in total before a busy one is called runaway (a build step is not). */
  runawayMinCpuSeconds: z.number().nonnegative().default(30),
  /** Share of CFS periods throttled during the sample for cpu-throttled to warn. */
  throttledPeriodsRatio: z.number().min(0).max(1).default(0.25),
  /** Share of the cgroup memory limit (anonymous memory when known) that is "near". */
  memoryNearRatio: z.number().min(0).max(1).default(0.85),
  memoryCriticalRatio: z.number().min(0).max(1).default(0.95),
  /** Share of the memory limit at which an exposed OOM controller becomes a warning. */
  oomExposedMemoryRatio: z.number().min(0).max(1).default(0.7),
  /** Workers a process must run to count as a supervisor. */
  oomSupervisorMinWorkers: z.number().int().positive().default(2),
  /** PSI avg60 percentages (some) for cpu, memory and io, and the full-stall ones. CPU "some" is high whenever load exceeds the CPUs for a while, so its line is high. */
  psiCpuSome: z.number().nonnegative().default(75),
  psiMemorySome: z.number().nonnegative().default(10),
  psiIoSome: z.number().nonnegative().default(25),
  psiFull: z.number().nonnegative().default(5),
  /** memory-growth: minimum growth over the window, in bytes and as a share of the start. */
  growthMinBytes: z.number().nonnegative().default(16 * 2 ** 20),
  growthMinRatio: z.number().nonnegative().default(0.1),
  /** Samples needed to call growth a trend rather than a step. */
  growthMinPoints: z.number().int().min(2).default(3),
  /** Share of RLIMIT_NOFILE / pids.max that is "near", and the critical share. */
  fdNearRatio: z.number().min(0).max(1).default(0.8),
  fdCriticalRatio: z.number().min(0).max(1).default(0.95),
  fdMinOpen: z.number().int().nonnegative().default(10),
  pidsNearRatio: z.number().min(0).max(1).default(0.8),
  pidsCriticalRatio: z.number().min(0).max(1).default(0.95),
  /** Restarts (NRestarts) at which respawning-service becomes critical. */
  restartsCritical: z.number().int().positive().default(5),
  /** Age in seconds after which a cron job counts as long-running. */
  cronJobMaxAgeSeconds: z.number().nonnegative().default(3600),
  /** Percent of one CPU for a realtime process to be a hog, and to be critical. */
  realtimeHogPercent: z.number().positive().default(50),
  realtimeCriticalPercent: z.number().positive().default(90),
  /** Percent of one CPU at which a pinned process counts as busy for affinity-contention. */
  affinityBusyPercent: z.number().positive().default(30),
  /** Share of the pinned CPUs' capacity the busy processes must use together to call it contention. */
  affinityMinDemandRatio: z.number().positive().default(0.8),
});
export type Thresholds = z.infer<typeof ThresholdsSchema>;

export const DEFAULT_THRESHOLDS: Thresholds = ThresholdsSchema.parse({});

export const THRESHOLD_NAMES = Object.keys(DEFAULT_THRESHOLDS) as (keyof Thresholds)[];

/** Defaults with the given overrides, validated. */
export function resolveThresholds(overrides: Partial<Thresholds> = {}): Thresholds {
  const result = ThresholdsSchema.safeParse({ ...DEFAULT_THRESHOLDS, ...overrides });
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new ProcdocError('usage', `Invalid threshold ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}.`, {
      hint: `Thresholds: ${THRESHOLD_NAMES.join(', ')}.`,
    });
  }
  return result.data;
}

/** Parses `name=value` pairs (the --threshold flag) into overrides. */
export function parseThresholdOverrides(pairs: readonly string[]): Partial<Thresholds> {
  const out: Record<string, number> = {};
  for (const pair of pairs) {
    const match = /^([A-Za-z]+)=(.+)$/.exec(pair.trim());
    const name = match?.[1];
    const value = Number(match?.[2]);
    if (name === undefined || !(THRESHOLD_NAMES as string[]).includes(name)) {
      throw new ProcdocError('usage', `Unknown threshold "${pair}".`, {
        hint: `Use --threshold NAME=NUMBER with one of: ${THRESHOLD_NAMES.join(', ')}.`,
      });
    }
    if (!Number.isFinite(value)) {
      throw new ProcdocError('usage', `Threshold ${name} needs a number, got "${match?.[2] ?? ''}".`, {
        hint: `Example: --threshold ${name}=${DEFAULT_THRESHOLDS[name as keyof Thresholds]}`,
      });
    }
    out[name] = value;
  }
  resolveThresholds(out);
  return out;
}
