import { ProcdocError } from '../errors.js';

/** A threshold's default and the values it accepts. */
interface Rule {
  default: number;
  /** Lowest accepted value; `exclusive` makes it a strict bound (must be above). */
  min?: number;
  exclusive?: boolean;
  max?: number;
  int?: boolean;
}

/**
 * Every threshold the analyzers use, with its default, in one place. Defaults are tuned so
 * that a quiet machine (idle shells, sleeping daemons, kernel threads, a busy build now and
 * then) yields nothing at warning or above; override them with `--threshold name=value`.
 * (Plain data rather than a zod schema: diagnose must not pay for loading zod.)
 */
const RULES = {
  /** Zombies under one parent at which the finding becomes critical (PID exhaustion looms). */
  zombiesCritical: { default: 100, int: true, min: 0, exclusive: true },
  /** D-state processes at which uninterruptible-io becomes critical. */
  uninterruptibleCritical: { default: 10, int: true, min: 0, exclusive: true },
  /** Percent of one CPU over the sample that counts as "most of a CPU". */
  runawayCpuPercent: { default: 90, min: 0, exclusive: true },
  /** CPU seconds a process must have burnt in total before a busy one is called runaway (a build step is not). */
  runawayMinCpuSeconds: { default: 30, min: 0 },
  /** Share of CFS periods throttled during the sample for cpu-throttled to warn. */
  throttledPeriodsRatio: { default: 0.25, min: 0, max: 1 },
  /** Share of the cgroup memory limit (anonymous memory when known) that is "near". */
  memoryNearRatio: { default: 0.85, min: 0, max: 1 },
  memoryCriticalRatio: { default: 0.95, min: 0, max: 1 },
  /** Share of the memory limit at which an exposed OOM controller becomes a warning. */
  oomExposedMemoryRatio: { default: 0.7, min: 0, max: 1 },
  /** Workers a process must run to count as a supervisor. */
  oomSupervisorMinWorkers: { default: 2, int: true, min: 0, exclusive: true },
  /** PSI avg60 percentages (some) for cpu, memory and io, and the full-stall ones. CPU "some" is high whenever load exceeds the CPUs for a while, so its line is high. */
  psiCpuSome: { default: 75, min: 0 },
  psiMemorySome: { default: 10, min: 0 },
  psiIoSome: { default: 25, min: 0 },
  psiFull: { default: 5, min: 0 },
  /** memory-growth: minimum growth over the window, in bytes and as a share of the start. */
  growthMinBytes: { default: 16 * 2 ** 20, min: 0 },
  growthMinRatio: { default: 0.1, min: 0 },
  /** Samples needed to call growth a trend rather than a step. */
  growthMinPoints: { default: 3, int: true, min: 2 },
  /** Share of RLIMIT_NOFILE / pids.max that is "near", and the critical share. */
  fdNearRatio: { default: 0.8, min: 0, max: 1 },
  fdCriticalRatio: { default: 0.95, min: 0, max: 1 },
  fdMinOpen: { default: 10, int: true, min: 0 },
  pidsNearRatio: { default: 0.8, min: 0, max: 1 },
  pidsCriticalRatio: { default: 0.95, min: 0, max: 1 },
  /** Restarts (NRestarts) at which respawning-service becomes critical. */
  restartsCritical: { default: 5, int: true, min: 0, exclusive: true },
  /** Age in seconds after which a cron job counts as long-running. */
  cronJobMaxAgeSeconds: { default: 3600, min: 0 },
  /** Percent of one CPU for a realtime process to be a hog, and to be critical. */
  realtimeHogPercent: { default: 50, min: 0, exclusive: true },
  realtimeCriticalPercent: { default: 90, min: 0, exclusive: true },
  /** Percent of one CPU at which a pinned process counts as busy for affinity-contention. */
  affinityBusyPercent: { default: 30, min: 0, exclusive: true },
  /** Share of the pinned CPUs' capacity the busy processes must use together to call it contention. */
  affinityMinDemandRatio: { default: 0.8, min: 0, exclusive: true },
} satisfies Record<string, Rule>;

export type Thresholds = { [K in keyof typeof RULES]: number };

export const THRESHOLD_NAMES = Object.keys(RULES) as (keyof Thresholds)[];

export const DEFAULT_THRESHOLDS: Thresholds = Object.fromEntries(THRESHOLD_NAMES.map((name) => [name, RULES[name].default])) as Thresholds;

/** Defaults with the given overrides, validated. */
export function resolveThresholds(overrides: Partial<Thresholds> = {}): Thresholds {
  const out = { ...DEFAULT_THRESHOLDS, ...overrides };
  for (const name of THRESHOLD_NAMES) {
    const problem = violation(RULES[name], out[name]);
    if (problem !== null) {
      throw new ProcdocError('usage', `Invalid threshold ${name}: ${problem}.`, { hint: `Thresholds: ${THRESHOLD_NAMES.join(', ')}.` });
    }
  }
  return out;
}

/** What is wrong with a value for a rule, or null. */
function violation(rule: Rule, value: number): string | null {
  if (typeof value !== 'number' || !Number.isFinite(value)) return 'must be a number';
  if (rule.int === true && !Number.isInteger(value)) return 'must be a whole number';
  if (rule.min !== undefined && (rule.exclusive === true ? value <= rule.min : value < rule.min)) {
    return `must be ${rule.exclusive === true ? 'greater than' : 'at least'} ${rule.min}`;
  }
  if (rule.max !== undefined && value > rule.max) return `must be at most ${rule.max}`;
  return null;
}

/** Parses `name=value` pairs (the --threshold flag) into overrides. */
export function parseThresholdOverrides(pairs: readonly string[]): Partial<Thresholds> {
  const out: Record<string, number> = {};
  for (const pair of pairs) {
    // NAME alone is a known name missing its value, not an unknown threshold.
    const match = /^([A-Za-z]+)(?:=(.*))?$/.exec(pair.trim());
    const name = match?.[1];
    const raw = match?.[2]?.trim() ?? '';
    const value = raw === '' ? Number.NaN : Number(raw);
    if (name === undefined || !(THRESHOLD_NAMES as string[]).includes(name)) {
      throw new ProcdocError('usage', `Unknown threshold "${name ?? pair}".`, {
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
