import { affinityContention } from './affinity-contention.js';
import { cgroupFrozen } from './cgroup-frozen.js';
import { cpuThrottled } from './cpu-throttled.js';
import { fdNearLimit } from './fd-near-limit.js';
import type { FindingCode } from './finding.js';
import { memoryGrowth } from './memory-growth.js';
import { memoryNearLimit } from './memory-near-limit.js';
import { oomControllerExposed } from './oom-controller-exposed.js';
import { oomKillsRecorded } from './oom-kills-recorded.js';
import { orphanedDescendants } from './orphaned-descendants.js';
import { pid1WithoutHandler } from './pid1-without-handler.js';
import { pidsNearLimit } from './pids-near-limit.js';
import { analyzePipelines } from './pipeline/index.js';
import { pipelineStalledFrom } from './pipeline-stalled.js';
import { pressureStall } from './pressure-stall.js';
import { realtimeHog } from './realtime-hog.js';
import { respawningService } from './respawning-service.js';
import { runawayCpu } from './runaway-cpu.js';
import { sigtermIgnored } from './sigterm-ignored.js';
import { stoppedProcess } from './stopped-process.js';
import type { Analyzer } from './types.js';
import { unboundedCronJob } from './unbounded-cron-job.js';
import { uninterruptibleIo } from './uninterruptible-io.js';
import { zombieUnreaped } from './zombie-unreaped.js';

/** Every analyzer, one per finding code of DESIGN.md; the type makes a missing code a compile error. */
export const ANALYZERS: Readonly<Record<FindingCode, Analyzer>> = {
  'zombie-unreaped': zombieUnreaped,
  'orphaned-descendants': orphanedDescendants,
  'pipeline-stalled': pipelineStalledFrom((snapshot, index) => analyzePipelines(snapshot, index)),
  'uninterruptible-io': uninterruptibleIo,
  'stopped-process': stoppedProcess,
  'runaway-cpu': runawayCpu,
  'cpu-throttled': cpuThrottled,
  'memory-near-limit': memoryNearLimit,
  'oom-kills-recorded': oomKillsRecorded,
  'oom-controller-exposed': oomControllerExposed,
  'pressure-stall': pressureStall,
  'memory-growth': memoryGrowth,
  'fd-near-limit': fdNearLimit,
  'pids-near-limit': pidsNearLimit,
  'sigterm-ignored': sigtermIgnored,
  'pid1-without-handler': pid1WithoutHandler,
  'respawning-service': respawningService,
  'unbounded-cron-job': unboundedCronJob,
  'realtime-hog': realtimeHog,
  'affinity-contention': affinityContention,
  'cgroup-frozen': cgroupFrozen,
};
