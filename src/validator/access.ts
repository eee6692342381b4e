import type { SnapshotIndex } from '../snapshot/query.js';
import type { Snapshot } from '../snapshot/schema.js';

/**
 * What one judgement looked at in its snapshot (CheckOptions.access). A judgement that
 * looked up only these processes, groups and units, and never went through the lists of
 * all processes or all units, comes out the same on any snapshot that holds them as they
 * are: `check` uses it to read a few processes instead of all of them.
 */
export interface SnapshotAccess {
  /** Every pid (or thread id) looked up, found or not. */
  pids: Set<number>;
  /** Every process group looked up. */
  groups: Set<number>;
  /** Every unit looked up by name. */
  units: Set<string>;
  /**
   * The judgement went through all processes or all units (a pattern, a user, a unit's
   * members…), or asked for what a partial snapshot cannot answer: a subtree, session,
   * children, ancestors, or a cgroup by id.
   */
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
  // What a partial snapshot cannot answer.
  const scanning =
    <A extends unknown[], R>(look: (...args: A) => R) =>
    (...args: A): R => {
      scan();
      return look(...args);
    };
  // A look-up by key, noted in `keys`.
  const noted =
    <K, R>(keys: Set<K>, look: (key: K) => R) =>
    (key: K): R => {
      keys.add(key);
      return look(key);
    };
  // The snapshot as the judgement sees it: reading its process or unit list is a scan. Its
  // cgroups stay readable (a target's freezer state): those of the processes read are all
  // there, but their nprocs counts only the processes read, so no rule may rely on it.
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
    process: noted(access.pids, idx.process.bind(idx)),
    threadOf: noted(access.pids, idx.threadOf.bind(idx)),
    group: noted(access.groups, idx.group.bind(idx)),
    unit: noted(access.units, idx.unit.bind(idx)),
    children: scanning(idx.children.bind(idx)),
    subtree: scanning(idx.subtree.bind(idx)),
    ancestors: scanning(idx.ancestors.bind(idx)),
    session: scanning(idx.session.bind(idx)),
    cgroup: scanning(idx.cgroup.bind(idx)),
    cgroupFor: scanning(idx.cgroupFor.bind(idx)),
  };
}
