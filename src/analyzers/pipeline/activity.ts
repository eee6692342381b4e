import type { Process } from '../../snapshot/schema.js';
import type { Activity } from './schema.js';

/**
 * What a stage is doing, told from its state, its wchan and its kernel stack. Kernel
 * versions name the same wait differently (pipe_read / anon_pipe_read, futex_wait_queue /
 * futex_do_wait), so names are matched by family, not exactly.
 */
const FAMILIES: readonly (readonly [RegExp, Activity])[] = [
  [/^(anon_)?pipe_read$|^pipe_wait_readable$/, 'reading-pipe'],
  [/^(anon_)?pipe_write$|^pipe_wait_writable$/, 'writing-pipe'],
  [/^(do_wait|kernel_wait4|do_wait4|wait_consider_task|__do_sys_wait4|kernel_waitid)$/, 'waiting-child'],
  [/^(n_tty_read|tty_read)$/, 'reading-tty'],
  [/^(n_tty_write|tty_write|file_tty_write)$/, 'writing-tty'],
  [/^(locks_lock_inode_wait|flock_lock_inode_wait|locks_lock_file_wait|__flock.*|__do_sys_flock|posix_lock_inode_wait|fcntl_setlk.*|do_lock_file_wait)$/, 'lock'],
  [/^_*futex_|^do_futex$/, 'futex'],
  [/^(ep_poll|do_epoll_wait|do_select|core_sys_select|do_sys_poll|poll_schedule_timeout|do_poll)$/, 'poll'],
  [/^(sk_wait_data|inet_csk_accept|inet_csk_wait_for_connect|unix_stream_read_generic|unix_stream_data_wait|__skb_wait_for_more_packets|__skb_recv_datagram|unix_wait_for_peer|sk_stream_wait_memory|tcp_recvmsg.*|wait_for_connect)$/, 'socket'],
  [/^(hrtimer_nanosleep|do_nanosleep|common_nsleep|clock_nanosleep|__x64_sys_nanosleep)$/, 'sleep'],
  [/^(__refrigerator|do_freezer_trap)$/, 'frozen'],
  [/^(sigsuspend|__x64_sys_rt_sigsuspend|sys_pause|__x64_sys_pause|do_sigtimedwait)$/, 'waiting-signal'],
];

/** The family of one kernel function name, if it is one we know. */
export function familyOf(name: string): Activity | undefined {
  // The compiler's clones keep the name with a suffix: sigsuspend.isra.0, do_wait.constprop.0.
  const base = name.replace(/(\.(isra|constprop|part|cold|llvm)(\.\d+)?)+$/, '');
  for (const [pattern, activity] of FAMILIES) if (pattern.test(base)) return activity;
  return undefined;
}

/** wchan as the kernel gives it: "0" or "" means running / unknown. */
export function cleanWchan(wchan: string | null): string | null {
  return wchan === null || wchan === '' || wchan === '0' ? null : wchan;
}

/** The fd target of a descriptor number, when the deep tier read the fds. */
export function fdTarget(p: Process, fd: number): string | null {
  return p.deep?.fds?.find((f) => f.fd === fd)?.target ?? null;
}

function isTty(target: string | null): boolean {
  return target !== null && /^\/dev\/(pts\/\d+|tty\w*|console)$/.test(target);
}

export function stdinIsTty(p: Process): boolean {
  return isTty(fdTarget(p, 0));
}
export function outputIsTty(p: Process): boolean {
  return isTty(fdTarget(p, 1)) || isTty(fdTarget(p, 2));
}

/** Old kernels park both directions in pipe_wait: tell them apart by the stack, then by the fds. */
function pipeWaitDirection(p: Process): Activity {
  const stack = p.deep?.stack ?? [];
  if (stack.some((f) => /pipe_write/.test(f))) return 'writing-pipe';
  if (stack.some((f) => /pipe_read/.test(f))) return 'reading-pipe';
  const fd0 = fdTarget(p, 0) ?? '';
  const fd1 = fdTarget(p, 1) ?? '';
  return fd1.startsWith('pipe:') && !fd0.startsWith('pipe:') ? 'writing-pipe' : 'reading-pipe';
}

function fromName(p: Process, name: string): Activity | undefined {
  if (name === 'pipe_wait') return pipeWaitDirection(p);
  if (name === 'wait_woken') {
    // wait_woken is generic; under n_tty_read / n_tty_write it is the terminal.
    const stack = p.deep?.stack ?? [];
    if (stack.some((f) => /n_tty_read|tty_read/.test(f))) return 'reading-tty';
    if (stack.some((f) => /n_tty_write|tty_write/.test(f))) return 'writing-tty';
    if (stack.length === 0 && stdinIsTty(p)) return 'reading-tty';
    return undefined;
  }
  return familyOf(name);
}

/** Classifies a process: state first (T, D, Z are facts), then wchan, then the kernel stack. */
export function classifyActivity(p: Process): Activity {
  switch (p.state) {
    case 'Z':
    case 'X':
      return 'exited';
    case 'T':
      return 'stopped';
    case 't':
      return 'traced';
    case 'R':
      return 'running';
    default:
      break;
  }
  const wchan = cleanWchan(p.wchan);
  const fromWchan = wchan === null ? undefined : fromName(p, wchan);
  const fromStack = stackFrames(p, 64)
    .map((f) => fromName(p, f))
    .find((a) => a !== undefined);
  if (p.state === 'D') return fromWchan === 'frozen' || fromStack === 'frozen' ? 'frozen' : 'uninterruptible';
  return fromWchan ?? fromStack ?? 'other';
}

/** Whether a stage moved between the samples, and whether that could be judged at all. */
export function progressOf(p: Process): { progressing: boolean; known: boolean } {
  if (p.cpu === null) return { progressing: false, known: false };
  // A stopped or exited process cannot progress; a state flip at the moment of the stop does not count.
  if (p.state === 'T' || p.state === 't' || p.state === 'Z' || p.state === 'X') return { progressing: false, known: true };
  const io = p.cpu.ioDelta;
  const moved = p.cpu.percent > 0 || (io !== null && (io.rchar > 0 || io.wchar > 0));
  return { progressing: p.cpu.progressed && moved, known: true };
}

/** Kernel stack frames with offsets stripped ("anon_pipe_read+0x366/0x410" → "anon_pipe_read"). */
export function stackFrames(p: Process, max = 4): string[] {
  return (p.deep?.stack ?? [])
    .map((f) => f.replace(/^\[<[^>]*>\]\s*/, '').replace(/\+0x[0-9a-f]+\/0x[0-9a-f]+$/, ''))
    .filter((f) => f !== '')
    .slice(0, max);
}
