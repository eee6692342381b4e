/**
 * Real cgroups for integration tests: v1 groups, and v2 groups for their freezer (this host
 * is hybrid: v1 controllers under /sys/fs/cgroup/<controller>, v2 at /sys/fs/cgroup/unified,
 * where a v2 group is made at the top, with no controllers). A v1 group is made next to the
 * test's own cgroup in that hierarchy (for memory: beside /process_api/<id>, so it stays
 * under the same parent's accounting), named procdoc-test-<random>.
 *
 * createV1Cgroup and its addPid/write/read are synchronous (cgroupfs writes take effect at
 * once); remove() and removeAllCgroups() are async because they wait for processes to die.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmdirSync, writeFileSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';
import { cgroupPathOf, readState, signal, sleep, v1MountOf } from './proc-fs.js';

export type V1Controller = 'memory' | 'freezer' | 'cpu' | 'pids' | 'cpuset';

export interface V1Cgroup {
  controller: V1Controller;
  /** Path inside the hierarchy, as /proc/PID/cgroup shows it, e.g. /process_api/procdoc-test-ab12cd. */
  path: string;
  /** Absolute directory, e.g. /sys/fs/cgroup/memory/process_api/procdoc-test-ab12cd. */
  dir: string;
  /** Moves a process (all its threads) into the group. */
  addPid: (pid: number) => void;
  /** Writes a control file, e.g. write('memory.limit_in_bytes', '64M'). */
  write: (file: string, value: string) => void;
  /** Reads a control file, trimmed. */
  read: (file: string) => string;
  /** PIDs in cgroup.procs. */
  pids: () => number[];
  /** freezer only: writes FROZEN / THAWED and waits (bounded) until the state settles. */
  freeze: () => Promise<void>;
  thaw: () => Promise<void>;
  /** Thaws, kills what is left inside by PID, waits, and removes the directory (and sub-groups). Idempotent. */
  remove: () => Promise<void>;
}

/** A cgroup of the v2 hierarchy (here the hybrid host's /sys/fs/cgroup/unified), for its freezer. */
export interface V2Cgroup {
  /** Path inside the hierarchy, as /proc/PID/cgroup shows it on its 0:: line. */
  path: string;
  /** Absolute directory. */
  dir: string;
  addPid: (pid: number) => void;
  /** Writes cgroup.freeze and waits (bounded) until cgroup.events says it is in force. */
  freeze: () => Promise<void>;
  thaw: () => Promise<void>;
  /** Thaws, kills what is left inside by PID, waits, and removes the directory. Idempotent. */
  remove: () => Promise<void>;
}

export interface CgroupRegistry {
  createV1Cgroup: (controller: V1Controller, settings?: Record<string, string>) => V1Cgroup;
  createV2Cgroup: () => V2Cgroup;
  removeAllCgroups: () => Promise<void>;
}

/** The v2 hierarchy's directory: /sys/fs/cgroup on a v2 host, its "unified" directory on a hybrid one. */
export function v2Mount(): string {
  for (const dir of ['/sys/fs/cgroup', '/sys/fs/cgroup/unified']) if (existsSync(join(dir, 'cgroup.controllers'))) return dir;
  throw new Error('No cgroup v2 hierarchy is mounted (neither /sys/fs/cgroup nor /sys/fs/cgroup/unified has cgroup.controllers).');
}

const REMOVE_TIMEOUT_MS = 5_000;

/** Absolute mount point of the v1 hierarchy with `controller`; throws with a hint if none. */
export function v1Mount(controller: string): string {
  const mount = v1MountOf(controller);
  if (mount === undefined) {
    throw new Error(
      `No cgroup v1 hierarchy with the ${controller} controller is mounted (see /proc/self/mountinfo). ` +
        'These tests need a host in cgroup v1 or hybrid mode.',
    );
  }
  return mount;
}

function writeControl(dir: string, file: string, value: string): void {
  try {
    writeFileSync(join(dir, file), value);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new Error(`Could not write ${JSON.stringify(value)} to ${join(dir, file)}: ${code}`, { cause: error });
  }
}

/** Writes a freezer control file, then waits (bounded) until `reached` says the state is in force. */
async function writeAndWait(dir: string, file: string, value: string, reached: () => boolean, what: string): Promise<void> {
  writeControl(dir, file, value);
  const deadline = Date.now() + REMOVE_TIMEOUT_MS;
  while (!reached()) {
    if (Date.now() >= deadline) throw new Error(`${dir} did not ${what} within ${REMOVE_TIMEOUT_MS} ms`);
    await sleep(10);
  }
}

function readPids(dir: string): number[] {
  try {
    return readFileSync(join(dir, 'cgroup.procs'), 'utf8')
      .split('\n')
      .filter((l) => l !== '')
      .map(Number);
  } catch {
    return [];
  }
}

/** Removes `dir` and its sub-groups after killing every process inside; bounded. */
async function removeTree(dir: string, freezerRoot: boolean): Promise<void> {
  if (!existsSync(dir)) return;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) await removeTree(join(dir, entry.name), freezerRoot);
  }
  // A frozen task cannot die (v1) or take a signal (v2) until thawed: thaw first. Only v2
  // groups have cgroup.freeze; freezer.state only matters in the v1 freezer hierarchy.
  const thaws: [string, string][] = freezerRoot ? [['freezer.state', 'THAWED']] : [['cgroup.freeze', '0']];
  for (const [file, value] of thaws) {
    if (!existsSync(join(dir, file))) continue;
    try {
      writeFileSync(join(dir, file), value);
    } catch {
      // the group may already be gone
    }
  }
  const deadline = Date.now() + REMOVE_TIMEOUT_MS;
  for (;;) {
    const live = readPids(dir).filter((pid) => {
      const state = readState(pid);
      return state !== undefined && state !== 'Z' && state !== 'X';
    });
    if (live.length === 0) break;
    if (Date.now() >= deadline) {
      throw new Error(`Processes ${live.join(', ')} in ${dir} would not die within ${REMOVE_TIMEOUT_MS} ms`);
    }
    for (const pid of live) {
      signal(pid, 'SIGCONT');
      signal(pid, 'SIGKILL');
    }
    await sleep(20);
  }
  // rmdir fails with EBUSY until exited tasks have released the group.
  for (;;) {
    try {
      rmdirSync(dir);
      return;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return;
      if (Date.now() >= deadline) {
        throw new Error(`Could not remove cgroup ${dir}: ${code}. Remove it by hand with rmdir once it is empty.`, {
          cause: error,
        });
      }
      await sleep(20);
    }
  }
}

/** Creates a registry of cgroups; `removeAllCgroups()` removes what it made. */
export function createCgroupRegistry(): CgroupRegistry {
  const created = new Set<{ remove: () => Promise<void> }>();

  function createV1Cgroup(controller: V1Controller, settings: Record<string, string> = {}): V1Cgroup {
    const mount = v1Mount(controller);
    const own = cgroupPathOf('self', controller) ?? '/';
    const base = own === '/' ? '/' : posix.dirname(own);
    const name = `procdoc-test-${randomBytes(4).toString('hex')}`;
    const path = posix.join(base, name);
    const dir = join(mount, path);
    try {
      mkdirSync(dir);
    } catch (error) {
      throw new Error(`Could not create cgroup ${dir}: ${(error as NodeJS.ErrnoException).code}. Run the tests as root.`, {
        cause: error,
      });
    }

    let removing: Promise<void> | undefined;
    const setFreezer = async (state: 'FROZEN' | 'THAWED'): Promise<void> => {
      if (controller !== 'freezer') throw new Error(`freeze/thaw need a freezer cgroup, not ${controller}`);
      // FREEZING means some task has not reached the refrigerator yet.
      await writeAndWait(dir, 'freezer.state', state, () => readFileSync(join(dir, 'freezer.state'), 'utf8').trim() === state, `reach ${state}`);
    };
    const group: V1Cgroup = {
      controller,
      path,
      dir,
      addPid: (pid) => writeControl(dir, 'cgroup.procs', String(pid)),
      write: (file, value) => writeControl(dir, file, value),
      read: (file) => readFileSync(join(dir, file), 'utf8').trim(),
      pids: () => readPids(dir),
      freeze: () => setFreezer('FROZEN'),
      thaw: () => setFreezer('THAWED'),
      remove: () => {
        removing ??= removeTree(dir, controller === 'freezer').then(() => {
          created.delete(group);
        });
        return removing;
      },
    };
    created.add(group);

    try {
      if (controller === 'cpuset') {
        // A new v1 cpuset starts with no CPUs or memory nodes; no task can join it until set.
        for (const file of ['cpuset.cpus', 'cpuset.mems']) {
          writeControl(dir, file, readFileSync(join(dirname(dir), file), 'utf8').trim());
        }
      }
      for (const [file, value] of Object.entries(settings)) writeControl(dir, file, value);
    } catch (error) {
      // Nothing can be inside yet: a plain rmdir undoes the mkdir.
      created.delete(group);
      try {
        rmdirSync(dir);
      } catch {
        // leave it; the error below says what failed
      }
      throw error;
    }
    return group;
  }

  function createV2Cgroup(): V2Cgroup {
    const mount = v2Mount();
    const path = `/procdoc-test-${randomBytes(4).toString('hex')}`;
    const dir = join(mount, path);
    try {
      mkdirSync(dir);
    } catch (error) {
      throw new Error(`Could not create cgroup ${dir}: ${(error as NodeJS.ErrnoException).code}. Run the tests as root.`, { cause: error });
    }
    let removing: Promise<void> | undefined;
    const setFrozen = async (frozen: boolean): Promise<void> => {
      const events = () => readFileSync(join(dir, 'cgroup.events'), 'utf8');
      await writeAndWait(dir, 'cgroup.freeze', frozen ? '1' : '0', () => events().includes(`frozen ${frozen ? 1 : 0}`), `become ${frozen ? 'frozen' : 'thawed'}`);
    };
    const group: V2Cgroup = {
      path,
      dir,
      addPid: (pid) => writeControl(dir, 'cgroup.procs', String(pid)),
      freeze: () => setFrozen(true),
      thaw: () => setFrozen(false),
      remove: () => {
        removing ??= removeTree(dir, false).then(() => {
          created.delete(group);
        });
        return removing;
      },
    };
    created.add(group);
    return group;
  }

  return {
    createV1Cgroup,
    createV2Cgroup,
    async removeAllCgroups(): Promise<void> {
      const results = await Promise.allSettled([...created].map((g) => g.remove()));
      const failures = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failures.length > 0) {
        throw new AggregateError(
          failures.map((f) => f.reason as unknown),
          `removeAllCgroups: ${failures.length} cgroup(s) could not be removed`,
        );
      }
    },
  };
}

const registry = createCgroupRegistry();

export const createV1Cgroup = registry.createV1Cgroup;
export const createV2Cgroup = registry.createV2Cgroup;
export const removeAllCgroups = registry.removeAllCgroups;
