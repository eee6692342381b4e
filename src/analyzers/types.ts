import type { SnapshotIndex } from '../snapshot/query.js';
import type { Snapshot } from '../snapshot/schema.js';
import type { DraftFinding } from './finding.js';
import type { Thresholds } from './thresholds.js';

/** What every analyzer is given: values only, no I/O. */
export interface AnalyzerInput {
  readonly snapshot: Snapshot;
  readonly index: SnapshotIndex;
  readonly thresholds: Thresholds;
  /** When set, the person asked about this process (diagnose --pid). */
  readonly focusPid?: number;
}

/** A pure function from a snapshot to draft findings (remediation not yet judged). */
export type Analyzer = (input: AnalyzerInput) => DraftFinding[];
