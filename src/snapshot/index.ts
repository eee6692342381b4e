export type { Snapshot, Process, Cgroup, Unit, Host } from './schema.js';
export { takeSnapshot, type SnapshotOptions } from './take.js';
export { loadSnapshotFile, parseSnapshot } from './load.js';
export { indexSnapshot, type SnapshotIndex } from './query.js';
