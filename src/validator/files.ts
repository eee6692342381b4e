import { cgroupId } from '../snapshot/query.js';
import { add, describeAimed, effect, readOnly, usesDetails, type Acc, type JudgeContext, type LimitEffect } from './acc.js';
import { describeLimit, fileLimitValue, limitFile, type LimitFile } from './limits.js';
import { touchProcess } from './targets.js';
import { each, type Call, type CommandTable } from './call.js';

const HARMLESS = /^\/dev\/(null|zero|full|tty)$/;
/**
 * The caller's own streams by name. A write through them goes where the command's stdout or
 * stderr goes; when the command redirected them, commands.ts judges the file instead.
 */
const OWN_STREAMS = /^\/(dev\/(stdin|stdout|stderr|fd\/[012])|proc\/(self|thread-self)\/fd\/[012])$/;
/** Any other descriptor by name: it holds whatever file the caller's shell opened on it. */
const DESCRIPTOR = /^\/(dev\/fd|proc\/(self|thread-self)\/fd)\/(\d+)$/;
const DISKS = /^\/dev\/(sd|hd|vd|xvd|nvme|mmcblk|dm-|md|loop|mapper\/|disk\/|sr|mem$|kmem$|port$)/;
const SYSTEM_TREES = ['/bin', '/boot', '/lib', '/lib32', '/lib64', '/libx32', '/sbin', '/usr'];
const TOP_LEVEL = new Set(['/', '/bin', '/boot', '/dev', '/etc', '/home', '/lib', '/lib64', '/opt', '/proc', '/root', '/sbin', '/srv', '/sys', '/usr', '/var', '/run', '/tmp', '/mnt', '/media', '~', '.', '..', '*', '/*']);

/**
 * Files whose loss or truncation locks people out (logins, sudo, PAM, sshd), stops the machine
 * booting (fstab, crypttab) or makes every program load other code (ld.so.preload). Writing
 * one with > empties it first: that is as bad as deleting it.
 */
const CRITICAL_FILES = new Set([
  '/etc/passwd', '/etc/shadow', '/etc/group', '/etc/gshadow', '/etc/sudoers', '/etc/fstab', '/etc/crypttab',
  '/etc/nsswitch.conf', '/etc/login.defs', '/etc/pam.conf', '/etc/ld.so.preload', '/etc/ld.so.conf', '/etc/inittab',
  '/etc/machine-id', '/etc/ssh/sshd_config',
]);
const CRITICAL_DIRS = ['/etc/sudoers.d', '/etc/pam.d', '/etc/ssh/sshd_config.d', '/etc/ld.so.conf.d', '/etc/security'];
/** How to change each kind of critical file safely. */
const EDITORS: [RegExp, string][] = [
  [/^\/etc\/(passwd|shadow|group|gshadow)$/, 'vipw / vigr, or useradd, usermod, passwd'],
  [/^\/etc\/sudoers/, 'visudo'],
];

function criticalFile(path: string): boolean {
  return CRITICAL_FILES.has(path) || CRITICAL_DIRS.some((d) => under(path, d));
}

function under(path: string, tree: string): boolean {
  return path === tree || path.startsWith(`${tree}/`);
}

function clean(path: string): string {
  return path.replace(/\/+/g, '/').replace(/(.)\/$/, '$1').replace(/\/\.$/, '') || '/';
}

/** Judges writing `value` (when known) to `path`: redirects, tee, dd of=, echo > /proc/… . */
export function judgeWrite(rawPath: string, glob: boolean, value: string | null, ctx: JudgeContext, acc: Acc, how: string): void {
  const path = clean(rawPath);
  if (HARMLESS.test(path) || OWN_STREAMS.test(path) || /^&?-?\d*$/.test(rawPath)) return;
  const fd = DESCRIPTOR.exec(path);
  if (fd || /^\/(dev\/fd|proc\/(self|thread-self)\/fd)(\/|$)/.test(path)) {
    add(acc, 'state-change', `${how} ${rawPath}: that is descriptor ${fd?.[3] ?? '(a path through /dev/fd)'}, which this command did not open, so it may hold any file the caller's shell has open. Write to the file by name instead.`);
    return;
  }
  if (glob) {
    add(acc, 'shell-indirection', `${how} ${rawPath}: the file name is a pattern the shell expands at run time. Name the file.`);
    return;
  }
  if (path === '/proc/sysrq-trigger') {
    add(acc, 'destructive', `Writing to /proc/sysrq-trigger makes the kernel act at once (b reboots, c crashes, o powers off, e/i kill every process). It is never a targeted fix; name the process and signal it.`);
    return;
  }
  if (DISKS.test(path)) {
    add(acc, 'destructive', `${how} ${path} overwrites a disk, partition or kernel memory device: data is lost for good.`);
    return;
  }
  const oom = /^\/proc\/(\d+|self|thread-self)\/(oom_score_adj|oom_adj)$/.exec(path);
  if (oom) {
    judgeOomWrite(oom[1]!, oom[2] as 'oom_score_adj' | 'oom_adj', value, ctx, acc);
    return;
  }
  const procPid = /^\/proc\/(\d+)\/(.+)$/.exec(path);
  if (procPid) {
    const file = procPid[2]!;
    if (file === 'mem') {
      add(acc, 'destructive', `Writing /proc/${procPid[1]}/mem changes the memory of a running process; it will corrupt it.`);
      return;
    }
    const p = touchProcess(Number(procPid[1]), ctx, acc, `writing ${file}`);
    if (p) add(acc, 'state-change', `Writes ${file} of ${describeAimed(Number(procPid[1]), p)}${value !== null ? ` = ${value.trim()}` : ''}.`);
    return;
  }
  if (under(path, '/proc/sys')) {
    add(acc, 'state-change', `Changes the kernel setting ${path.slice(10).replace(/\//g, '.')}${value !== null ? ` to ${value.trim()}` : ''} for the whole machine (until reboot). Note the old value first (cat ${path}).`);
    return;
  }
  if (under(path, '/sys/fs/cgroup')) {
    judgeCgroupWrite(path, value, ctx, acc);
    return;
  }
  if (path === '/sys/power/state' || path === '/sys/power/disk') {
    add(acc, 'destructive', `Writing ${path} suspends or hibernates the machine.`);
    return;
  }
  if (under(path, '/sys') || under(path, '/proc')) {
    add(acc, 'state-change', `Writes the kernel interface ${path}${value !== null ? ` (${value.trim()})` : ''}: it changes the running kernel's behaviour.`);
    return;
  }
  if (SYSTEM_TREES.some((t) => under(path, t))) {
    add(acc, 'destructive', `${how} ${path} overwrites part of the installed system (programs or libraries), which can leave the machine unbootable. Use the package manager.`);
    return;
  }
  if (criticalFile(path) && how !== 'Appends to' && how !== 'touch') {
    const tool = EDITORS.find(([re]) => re.test(path))?.[1] ?? 'an editor, on a copy checked before it replaces the file';
    add(
      acc,
      'destructive',
      `${how} ${path}: that replaces a file logins, sudo or booting depend on${how === 'Writes' ? ' (a > redirection empties it before anything is written)' : ''}, which is as bad as deleting it${how.startsWith('sed') ? ' (one wrong expression, such as d, empties it)' : ''}. Change it with ${tool}, after a backup, and never as a process fix.`,
    );
    return;
  }
  add(acc, 'state-change', `${how} ${path}${under(path, '/etc') ? ' (system configuration)' : ''}.`);
}

/** What deleting or moving away `path` takes from the system, or null when it is an ordinary file. */
function systemLoss(path: string, recursive: boolean, glob: boolean): string | null {
  const p = clean(path);
  if (TOP_LEVEL.has(p)) return `${p} (a whole top-level tree)`;
  if (/^\/[^/]*\*[^/]*$/.test(p) || (glob && p.split('/').filter(Boolean).length <= 1)) return 'everything matching a pattern at the top of the file system';
  if (under(p, '/proc') || under(p, '/sys') || under(p, '/dev') || SYSTEM_TREES.some((t) => under(p, t)) || (recursive && (under(p, '/etc') || p === '/var' || p === '/home'))) return 'part of the system';
  if (criticalFile(p)) return `${p} (logins, sudo or booting depend on it)`;
  return null;
}

/** mv: its sources leave their place, which for a system tree or a critical file is deleting it there. */
export function judgeMove(args: readonly string[], globs: readonly boolean[], ctx: JudgeContext, acc: Acc): void {
  let targetDir: string | null = null;
  const operands: { path: string; glob: boolean }[] = [];
  let opts = true;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (opts && a === '--') opts = false;
    else if (opts && (/^-[a-zA-Z]*t$/.test(a) || a === '--target-directory')) targetDir = args[++i] ?? null;
    else if (opts && (a === '-S' || a === '--suffix')) i++;
    else if (opts && a.startsWith('--target-directory=')) targetDir = a.slice(19);
    else if (opts && /^-[a-zA-Z]*t.+$/.test(a) && !a.startsWith('--')) targetDir = a.slice(a.indexOf('t') + 1);
    else if (opts && a.startsWith('-') && a.length > 1) continue;
    else operands.push({ path: a, glob: globs[i] ?? false });
  }
  const dest = targetDir ?? operands.at(-1)?.path;
  const sources = targetDir === null ? operands.slice(0, -1) : operands;
  if (dest === undefined || sources.length === 0) return void add(acc, 'unparseable', 'mv needs a source and a destination.');
  for (const { path, glob } of sources) {
    const loss = systemLoss(path, true, glob);
    if (loss !== null) add(acc, 'destructive', `mv ${path} moves ${loss} away: for every program that looks for it there, that is the same as deleting it, and the machine may not boot or let anyone log in. No process problem needs it.`);
  }
  judgeWrite(dest, targetDir === null ? (operands.at(-1)?.glob ?? false) : false, null, ctx, acc, 'mv writes');
}

function judgeOomWrite(who: string, file: 'oom_score_adj' | 'oom_adj', value: string | null, ctx: JudgeContext, acc: Acc): void {
  const [min, max] = file === 'oom_score_adj' ? [-1000, 1000] : [-17, 15];
  const v = value?.trim() ?? null;
  if (v === null || !/^[+-]?\d+$/.test(v) || Number(v) < min || Number(v) > max) {
    add(
      acc,
      'oom-score-adj-invalid',
      v === null
        ? `The value written to ${file} cannot be seen in the command. Write a literal integer from ${min} to ${max}, e.g. echo -500 > /proc/PID/${file}.`
        : `"${v}" is not a valid ${file}: it must be an integer from ${min} (never OOM-kill) to ${max} (kill first); the kernel rejects anything else.`,
    );
    return;
  }
  if (who === 'self' || who === 'thread-self') {
    add(acc, 'state-change', `Sets ${file} of the writing process itself (${v}); it ends with the command, so this has no lasting effect.`);
    return;
  }
  // oom_score_adj belongs to the process: written through a thread's id, it changes them all.
  const p = touchProcess(Number(who), ctx, acc, `setting ${file}`, 'process');
  if (!p) return;
  usesDetails(acc, p);
  const n = Number(v);
  const meaning = n <= -1000 ? 'the OOM killer will never pick it, so others die first' : n < 0 ? 'the OOM killer is less likely to pick it' : n > 0 ? 'the OOM killer will pick it sooner' : 'back to the default';
  add(acc, 'state-change', `Sets ${file} of PID ${p.pid} (${p.comm}) from ${p.oomScoreAdj ?? '?'} to ${n}: ${meaning}.`);
}

function judgeCgroupWrite(path: string, value: string | null, ctx: JudgeContext, acc: Acc): void {
  const file = path.split('/').pop() ?? '';
  const dir = path.slice(0, path.length - file.length - 1);
  if (file === 'cgroup.kill') {
    add(acc, 'broadcast-kill', `Writing cgroup.kill SIGKILLs every process in ${dir} and its children at once, with no cleanup. Stop the unit or signal the processes (TERM first).`);
    return;
  }
  const v = value?.trim() ?? null;
  if (file === 'freezer.state' || file === 'cgroup.freeze') {
    const freezing = v === 'FROZEN' || v === '1';
    const thawing = v === 'THAWED' || v === '0';
    add(acc, 'state-change', freezing ? `Freezes every process in ${dir}: they stop running (shown as D or stopped) until thawed.` : `Sets ${file} of ${dir}${v !== null ? ` to ${v}` : ''}${thawing ? ' — the processes run again' : ''}.`);
    const cgroup = freezing || thawing ? cgroupAt(dir, file === 'cgroup.freeze' ? { v2: true, v1: null } : { v2: false, v1: 'freezer' }, ctx) : null;
    if (cgroup !== null) effect(acc, { kind: 'freezer', ...cgroup, freeze: freezing });
    return;
  }
  if (file === 'cgroup.procs' || file === 'tasks' || file === 'cgroup.threads') {
    add(acc, 'state-change', `Moves ${v !== null ? `PID ${v}` : 'a process'} into ${dir}: its limits apply from now on.`);
    return;
  }
  const limit = limitFile(file);
  const set = limit === undefined ? null : limitEffect(dir, file, limit, v, ctx, acc);
  add(acc, 'state-change', `Sets ${file} of cgroup ${dir}${v !== null ? ` to ${v}` : ''}: limits take effect at once${memoryNote(file, set, ctx)}.`);
}

/** What a memory limit does to the cgroup's processes: at once, if it is below what they use. */
function memoryNote(file: string, set: LimitEffect | null, ctx: JudgeContext): string {
  if (!/^memory\.(max|limit_in_bytes|high)$/.test(file)) return '';
  const current = set?.cgroup ? (ctx.idx.cgroup(set.cgroup.id)?.memory?.current ?? null) : null;
  if (current === null || typeof set?.expected !== 'number' || set.expected >= current) return ' (a limit below current usage makes the kernel reclaim or OOM-kill at once)';
  const over = ` — the cgroup uses ${describeLimit('memory.max', current)} now, more than that: the kernel reclaims its memory at once`;
  if (file === 'memory.high') return `${over} and throttles it`;
  return file === 'memory.limit_in_bytes' ? `${over}, and refuses the write (EBUSY) if it cannot get under it` : `${over}, and OOM-kills in it if that is not enough`;
}

/** Which hierarchies a control file lives in: v2, or the v1 hierarchy of a controller, or both (pids.max). */
interface FileHome {
  v2: boolean;
  v1: string | null;
}

/**
 * The cgroup a directory under the cgroup mounts is, in the snapshot's terms (its id and
 * path), with the processes in it, so that exec can verify a write there; null where the
 * snapshot's mounts do not place it (a fixture tree's /sys, another hierarchy).
 */
function cgroupAt(dir: string, home: FileHome, ctx: JudgeContext): { cgroup: string; path: string; pids: number[] } | null {
  const { host, processes } = ctx.idx.snapshot;
  const inside = (mount: string): string | null => (dir === mount ? '/' : dir.startsWith(`${mount}/`) ? dir.slice(mount.length) : null);
  const v2 = home.v2 && host.cgroupV2Mount !== null ? inside(host.cgroupV2Mount) : null;
  if (v2 !== null) return { cgroup: cgroupId(2, v2), path: v2, pids: processes.filter((p) => p.cgroup.v2 === v2).map((p) => p.pid) };
  if (home.v1 === null) return null;
  for (const [hierarchy, mount] of Object.entries(host.cgroupV1Mounts)) {
    const path = hierarchy.split(',').includes(home.v1) ? inside(mount) : null;
    if (path !== null) return { cgroup: cgroupId(1, path, hierarchy), path, pids: processes.filter((p) => p.cgroup.v1[hierarchy] === path).map((p) => p.pid) };
  }
  return null;
}

/** A write of `value` to a limit file: the effect exec verifies (also returned), when the value is one the kernel takes. */
function limitEffect(dir: string, name: string, file: LimitFile, value: string | null, ctx: JudgeContext, acc: Acc): LimitEffect | null {
  if (value === null) return null;
  const v1Only = name === 'memory.limit_in_bytes' || name === 'cpu.cfs_quota_us';
  const at = cgroupAt(dir, { v2: !v1Only, v1: name === 'pids.max' || v1Only ? file.controller : null }, ctx);
  if (at === null) return null;
  const { host } = ctx.idx.snapshot;
  const expected = fileLimitValue(file, value, host.pageSize, ctx.idx.cgroup(at.cgroup)?.cpu?.periodUs ?? null);
  if (expected === undefined) return null;
  const e: LimitEffect = { kind: 'limit', setting: file.setting, expected, cgroup: { id: at.cgroup, path: at.path, file: name }, unit: null, pids: at.pids };
  effect(acc, e);
  return e;
}

/** rm: refuse the system and whole trees; otherwise a confirmed state change. */
export function judgeRm(args: readonly string[], globs: readonly boolean[], acc: Acc): void {
  let recursive = false;
  let noPreserve = false;
  const paths: { path: string; glob: boolean }[] = [];
  let opts = true;
  args.forEach((a, i) => {
    if (opts && a === '--') opts = false;
    else if (opts && a.startsWith('--')) {
      if (a === '--recursive') recursive = true;
      if (a === '--no-preserve-root') noPreserve = true;
    } else if (opts && a.startsWith('-') && a.length > 1) {
      if (/[rR]/.test(a)) recursive = true;
    } else paths.push({ path: a, glob: globs[i] ?? false });
  });
  if (noPreserve) return void add(acc, 'destructive', 'rm --no-preserve-root removes the whole file system. Never.');
  if (paths.length === 0) return void add(acc, 'unparseable', 'rm without a file does nothing.');
  for (const { path, glob } of paths) {
    const loss = systemLoss(path, recursive, glob);
    if (loss !== null) {
      add(acc, 'destructive', `rm ${recursive ? '-r ' : ''}${path} deletes ${loss}; that is unrecoverable and no process problem needs it.`);
      continue;
    }
    add(acc, 'state-change', `Deletes ${path}${recursive ? ' and everything under it' : ''}${glob ? ' (a pattern: check what it matches with ls first)' : ''}.`);
  }
}

/** dd: writing a device is destructive; of=FILE is a write; otherwise it only copies to stdout. */
export function judgeDd(args: readonly string[], ctx: JudgeContext, acc: Acc): void {
  const of = args.find((a) => a.startsWith('of='));
  if (of === undefined) return readOnly(acc, 'dd');
  judgeWrite(of.slice(3), false, null, ctx, acc, 'dd writes');
}

const DESTRUCTIVE_COMMANDS: Record<string, string> = {
  mkfs: 'creates a new file system, erasing the device',
  mke2fs: 'creates a new file system, erasing the device',
  mkswap: 'turns a device into swap, erasing it',
  wipefs: 'erases file-system signatures',
  fdisk: 'rewrites the partition table',
  sfdisk: 'rewrites the partition table',
  gdisk: 'rewrites the partition table',
  sgdisk: 'rewrites the partition table',
  parted: 'rewrites the partition table',
  shred: 'overwrites files or devices beyond recovery',
  blkdiscard: 'discards every block of a device',
  shutdown: 'shuts the machine down',
  reboot: 'reboots the machine',
  poweroff: 'powers the machine off',
  halt: 'halts the machine',
  kexec: 'boots another kernel',
  init: 'changes the runlevel (0 halts, 6 reboots)',
  telinit: 'changes the runlevel (0 halts, 6 reboots)',
  'systemd-sysext': 'changes the system image',
};

export function destructiveCommand(name: string): string | null {
  if (name.startsWith('mkfs.')) return DESTRUCTIVE_COMMANDS.mkfs!;
  return DESTRUCTIVE_COMMANDS[name] ?? null;
}

export function judgeRecursiveMode(name: string, args: readonly string[], acc: Acc): void {
  const recursive = args.some((a) => a === '-R' || a === '--recursive' || /^-[a-zA-Z]*R/.test(a));
  const paths = args.filter((a) => !a.startsWith('-')).slice(1).map(clean);
  if (recursive && paths.some((p) => TOP_LEVEL.has(p) || SYSTEM_TREES.some((t) => under(p, t)) || p === '/etc' || p === '/var')) {
    add(acc, 'destructive', `${name} -R on ${paths.join(' ')} changes ownership or permissions of a whole system tree; services and sudo stop working.`);
    return;
  }
  add(acc, 'state-change', `${name} changes ${paths.join(' ') || 'files'}.`);
}

/** cp, install, ln, rsync: the destination is written. */
function copy({ name, args, globs, ctx, acc }: Call): void {
  const operands = args.filter((a) => !a.startsWith('-'));
  const dest = operands.at(-1);
  if (dest === undefined || operands.length < 2) return void add(acc, 'unparseable', `${name} needs a source and a destination.`);
  judgeWrite(dest, globs[args.lastIndexOf(dest)] ?? false, null, ctx, acc, `${name} writes`);
}

function tee({ args, globs, ctx, acc, opts }: Call): void {
  const files = args.filter((a) => !a.startsWith('-'));
  if (files.length === 0) return readOnly(acc, 'tee');
  for (const f of files) judgeWrite(f, globs[args.indexOf(f)] ?? false, opts.stdin, ctx, acc, args.some((a) => a === '-a' || a === '--append') ? 'Appends to' : 'Writes');
}

/** The files family: writing, moving, deleting files, their modes, and the disks under them. */
export const FILE_COMMANDS: CommandTable = {
  tee,
  dd: ({ args, ctx, acc }) => judgeDd(args, ctx, acc),
  rm: ({ args, globs, acc }) => judgeRm(args, globs, acc),
  ...each(['chmod', 'chown', 'chgrp', 'chattr', 'setfacl'], ({ name, args, acc }) => judgeRecursiveMode(name, args, acc)),
  mv: ({ args, globs, ctx, acc }) => judgeMove(args, globs, ctx, acc),
  ...each(['cp', 'install', 'ln', 'rsync'], copy),
  ...each(['truncate', 'touch', 'mkdir', 'rmdir', 'unlink', 'mkfifo', 'mknod'], ({ name, args, ctx, acc }) => {
    for (const f of args.filter((a) => !a.startsWith('-'))) judgeWrite(f, false, null, ctx, acc, name);
  }),
};
