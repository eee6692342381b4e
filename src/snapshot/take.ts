import type { Snapshot } from './schema.js';

export interface SnapshotOptions {
  procRoot: string;
  sysRoot: string;
  /** Deep tier for every process. */
  deep: boolean;
  /** Deep tier for these processes (and what analysis needs) even without `deep`. */
  deepPids: readonly number[];
  /** Milliseconds between the first and last sample; 0 takes one sample (no CPU%). */
  sampleMs: number;
  /** Sample over a window of this many milliseconds (diagnose --for); overrides sampleMs. */
  windowMs?: number;
  /** Ask the service manager (systemctl show); off for fixture trees. */
  serviceManager: boolean;
}

/** Reads the live system (or a fixture tree) into a Snapshot. Being written: see src/snapshot/. */
export async function takeSnapshot(_options: SnapshotOptions): Promise<Snapshot> {
  throw new Error('takeSnapshot: in progress');
}
