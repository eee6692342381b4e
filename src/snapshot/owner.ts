import type { Owner, Process, SupervisorKind } from './schema.js';

type ContainerRuntime = NonNullable<Owner['container']>['runtime'];

/**
 * Who owns a process, derived from its cgroup paths and its ancestry. Pure: the
 * snapshotter calls it with what it read; unit facts (Restart=…) come from systemctl.
 */
export function unitFromCgroup(path: string | null | undefined): Owner['unit'] {
  if (!path) return null;
  const parts = path.split('/').filter(Boolean);
  const userIndex = parts.findIndex((p) => /^user@\d+\.service$/.test(p));
  const scope = userIndex >= 0 ? parts.slice(userIndex + 1) : parts;
  // The innermost service or scope names the unit; nested cgroups below it (a service's
  // own sub-cgroups) still belong to it, so take the last unit-like component.
  let name: string | null = null;
  let slice: string | null = null;
  for (const part of scope) {
    if (part.endsWith('.service') || part.endsWith('.scope')) name = part;
    else if (part.endsWith('.slice') && name === null) slice = part;
  }
  if (name === null) {
    if (userIndex >= 0) {
      // Inside user@UID.service but not in a unit of the user manager: the manager itself.
      name = parts[userIndex]!;
      return { name, manager: 'system', userUid: null, slice: parts[userIndex - 1] ?? null };
    }
    return null;
  }
  if (userIndex >= 0 && name === 'init.scope') {
    // The user manager's own process: it belongs to user@UID.service of the system manager.
    return { name: parts[userIndex]!, manager: 'system', userUid: null, slice: parts[userIndex - 1] ?? null };
  }
  if (userIndex >= 0) {
    const uid = Number(/^user@(\d+)\.service$/.exec(parts[userIndex]!)![1]);
    return { name, manager: 'user', userUid: uid, slice };
  }
  return { name, manager: 'system', userUid: null, slice };
}

const CONTAINER_PATTERNS: [RegExp, ContainerRuntime][] = [
  [/(?:^|\/)docker-([0-9a-f]{12,64})\.scope/, 'docker'],
  [/(?:^|\/)docker\/([0-9a-f]{12,64})/, 'docker'],
  [/(?:^|\/)cri-containerd-([0-9a-f]{12,64})\.scope/, 'containerd'],
  [/(?:^|\/)containerd(?:\.service)?\/(?:[^/]+\/)?([0-9a-f]{12,64})/, 'containerd'],
  [/(?:^|\/)crio-([0-9a-f]{12,64})\.scope/, 'kubepods'],
  [/(?:^|\/)libpod-(?:conmon-)?([0-9a-f]{12,64})\.scope/, 'podman'],
  [/(?:^|\/)libpod_parent\/libpod-([0-9a-f]{12,64})/, 'podman'],
  [/(?:^|\/)lxc\.payload\.([^/]+)/, 'lxc'],
  [/(?:^|\/)lxc\/([^/]+)/, 'lxc'],
  [/(?:^|\/)machine-([^/]+)\.scope/, 'nspawn'],
  [/(?:^|\/)machine\.slice\/([^/]+)/, 'nspawn'],
];

export function containerFromCgroup(paths: readonly string[]): Owner['container'] {
  for (const path of paths) {
    // Kubernetes first: the kubelet, not the runtime, restarts what is killed in a pod.
    if (path.includes('/kubepods')) {
      const id = /(?:cri-containerd-|crio-|docker-)([0-9a-f]{12,64})\.scope/.exec(path)?.[1] ?? /\/([0-9a-f]{64})(?:\/|$)/.exec(path)?.[1] ?? /pod([0-9a-f_-]{8,})/.exec(path)?.[1];
      if (id !== undefined) return { runtime: 'kubepods', id: id.replace(/_/g, '-') };
    }
    for (const [pattern, runtime] of CONTAINER_PATTERNS) {
      const m = pattern.exec(path);
      if (m?.[1]) return { runtime, id: m[1].replace(/\\x2d/g, '-') };
    }
  }
  return null;
}

/** Recognizes a supervising process by its comm and argv. */
export function supervisorKind(p: Pick<Process, 'pid' | 'comm' | 'argv'>, initIsSystemd: boolean): SupervisorKind | null {
  const comm = p.comm;
  const arg0 = p.argv[0] ?? '';
  const base = arg0.split('/').pop() ?? '';
  if (comm === 'cron' || comm === 'crond' || comm === 'anacron') return 'cron';
  if (comm === 'supervisord' || p.argv.slice(0, 3).some((a) => a.endsWith('/supervisord') || a === 'supervisord')) return 'supervisord';
  if (/^PM2 v/.test(comm) || /^PM2 v/.test(arg0) || base === 'pm2') return 'pm2';
  if (comm === 'runsv' || comm === 'runsvdir') return 'runit';
  if (comm.startsWith('s6-supervise') || comm === 's6-svscan') return 's6';
  if (comm === 'tini' || base === 'tini' || comm === 'docker-init') return 'tini';
  if (comm === 'dumb-init' || base === 'dumb-init') return 'dumb-init';
  if (comm === 'systemd' || (p.pid === 1 && initIsSystemd)) return 'systemd';
  if (p.pid === 1) return 'init';
  return null;
}

/**
 * The nearest supervising ancestor. `memo` (nearest supervisor at or above a pid, shared
 * across one snapshot) makes siblings cost one look-up instead of a walk each.
 */
export function findSupervisor(
  process: Pick<Process, 'pid' | 'ppid'>,
  byPid: ReadonlyMap<number, Pick<Process, 'pid' | 'ppid' | 'comm' | 'argv'>>,
  initIsSystemd: boolean,
  memo: Map<number, Owner['supervisor']> = new Map(),
): Owner['supervisor'] {
  const walked: number[] = [];
  const seen = new Set<number>([process.pid]);
  let parent = byPid.get(process.ppid);
  let found: Owner['supervisor'] = null;
  while (parent && !seen.has(parent.pid)) {
    const known = memo.get(parent.pid);
    if (known !== undefined) {
      found = known;
      break;
    }
    seen.add(parent.pid);
    const kind = supervisorKind(parent, initIsSystemd);
    if (kind !== null) {
      found = { kind, pid: parent.pid, comm: parent.comm };
      memo.set(parent.pid, found);
      break;
    }
    walked.push(parent.pid);
    parent = byPid.get(parent.ppid);
  }
  // Every ancestor walked past has the same nearest supervisor above it.
  for (const pid of walked) memo.set(pid, found);
  return found;
}
