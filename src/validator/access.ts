import type { SnapshotIndex } from '../snapshot/query.js';
import type { Snapshot } from '../snapshot/schema.js';

/**
 * What one judgement looked at in its snapshot (CheckOptions.access). A judgement that
 * looked up only these processes, groups and units, and never went through the lists of
 * all processes or all units, comes out the same on any snapshot that holds them as they
 * are: `check` uses it to read a few processes instead of all of them.
 */
export interface SnapshotAccess {
  /** Every pid looked up, found or not. */
  pids: Set<number>;
  /** Every process group looked up. */
  groups: Set<number>;
  /** Every unit looked up by name. */
  units: Set<string>;
  /** The judgement went through all processes or all units (a pattern, a user, a unit's members…), or asked for a subtree, session or children. */
  scanned: boolean;
}

export function newAccess(): SnapshotAccess {
  return { pids: new Set(), groups: new Set(), units: new Set(), scanned: false };
}

/** `idx`, recording into `access` what is looked up through it. */
export function watchedIndex(idx: SnapshotIndex, access: SnapshotAccess): SnapshotIndex {
  const snapshot = idx.snapshot;
  const scan = (): void => {
    access.scanned = true;
  };
  // The snapshot as the judgement sees it: reading its process or unit list is a scan.
  const watched = Object.create(snapshot, {
    processes: {
      get() {
        scan();
        return snapshot.processes;
      },
    },
    units: {
      get() {
        scan();
        return snapshot.units;
      },
    },
  }) as Snapshot;
  return {
    snapshot: watched,
    process(pid) {
      access.pids.add(pid);
      return idx.process(pid);
    },
    group(pgid) {
      access.groups.add(pgid);
      return idx.group(pgid);
    },
    unit(name) {
      access.units.add(name);
      return idx.unit(name);
    },
    children(pid) {
      scan();
      return idx.children(pid);
    },
    subtree(pid) {
      scan();
      return idx.subtree(pid);
    },
    ancestors(pid) {
      scan();
      return idx.ancestors(pid);
    },
    session(sid) {
      scan();
      return idx.session(sid);
    },
    cgroup: (id) => idx.cgroup(id),
    cgroupFor: (process, controller) => idx.cgroupFor(process, controller),
  };
}
