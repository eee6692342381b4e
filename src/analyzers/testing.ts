import { indexSnapshot } from '../snapshot/query.js';
import type { CpuSample, Snapshot } from '../snapshot/schema.js';
import type { DraftFinding } from './finding.js';
import { resolveThresholds, type Thresholds } from './thresholds.js';
import type { Analyzer } from './types.js';

/** Runs one analyzer on a hand-made snapshot (unit tests). */
export function runAnalyzer(analyzer: Analyzer, snapshot: Snapshot, thresholds: Partial<Thresholds> = {}, focusPid?: number): DraftFinding[] {
  return analyzer({ snapshot, index: indexSnapshot(snapshot), thresholds: resolveThresholds(thresholds), ...(focusPid === undefined ? {} : { focusPid }) });
}

/** A CPU sample as the snapshotter derives it from two readings. */
export function sampled(percent: number, progressed = percent > 0, quotaPercent: number | null = null): CpuSample {
  return { percent, quotaPercent, progressed, ioDelta: null };
}
