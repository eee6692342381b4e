import { describe, expect, it } from 'vitest';
import { classifyActivity, familyOf, progressOf, stackFrames } from './activity.js';
import { pipeStage } from './fixture.js';

describe('familyOf: kernel names by family, across kernel versions', () => {
  it.each([
    ['pipe_read', 'reading-pipe'],
    ['anon_pipe_read', 'reading-pipe'],
    ['pipe_wait_readable', 'reading-pipe'],
    ['pipe_write', 'writing-pipe'],
    ['anon_pipe_write', 'writing-pipe'],
    ['pipe_wait_writable', 'writing-pipe'],
    ['do_wait', 'waiting-child'],
    ['kernel_wait4', 'waiting-child'],
    ['n_tty_read', 'reading-tty'],
    ['futex_wait_queue', 'futex'],
    ['futex_do_wait', 'futex'],
    ['futex_wait_queue_me', 'futex'],
    ['ep_poll', 'poll'],
    ['do_select', 'poll'],
    ['do_sys_poll', 'poll'],
    ['locks_lock_inode_wait', 'lock'],
    ['flock_lock_inode_wait', 'lock'],
    ['__flock_lock_file', 'lock'],
    ['hrtimer_nanosleep', 'sleep'],
    ['__refrigerator', 'frozen'],
    ['sigsuspend.isra.0', 'waiting-signal'],
    ['do_wait.constprop.0', 'waiting-child'],
  ] as const)('%s → %s', (name, family) => {
    expect(familyOf(name)).toBe(family);
  });

  it('does not guess at names it does not know', () => {
    expect(familyOf('some_driver_wait')).toBeUndefined();
  });
});

describe('classifyActivity', () => {
  it('trusts the state letter first: T, t, Z, R', () => {
    expect(classifyActivity(pipeStage(1, 'a', { state: 'T', wchan: 'do_signal_stop' }))).toBe('stopped');
    expect(classifyActivity(pipeStage(1, 'a', { state: 't', wchan: 'ptrace_stop' }))).toBe('traced');
    expect(classifyActivity(pipeStage(1, 'a', { state: 'Z', wchan: null }))).toBe('exited');
    expect(classifyActivity(pipeStage(1, 'a', { state: 'R', wchan: '0' }))).toBe('running');
  });

  it('tells a frozen D-state process from one waiting for I/O', () => {
    expect(classifyActivity(pipeStage(1, 'a', { state: 'D', wchan: '__refrigerator' }))).toBe('frozen');
    expect(classifyActivity(pipeStage(1, 'a', { state: 'D', wchan: null, stack: ['[<0>] __refrigerator+0xac/0xd0', '[<0>] get_signal+0x5c0/0x840'] }))).toBe('frozen');
    expect(classifyActivity(pipeStage(1, 'a', { state: 'D', wchan: 'io_schedule' }))).toBe('uninterruptible');
  });

  it('reads the direction of an old kernel pipe_wait from the stack, then the fds', () => {
    expect(classifyActivity(pipeStage(1, 'a', { wchan: 'pipe_wait', stack: ['pipe_wait', 'pipe_write', 'vfs_write'] }))).toBe('writing-pipe');
    expect(classifyActivity(pipeStage(1, 'a', { wchan: 'pipe_wait', stack: ['pipe_wait', 'pipe_read'] }))).toBe('reading-pipe');
    expect(classifyActivity(pipeStage(1, 'a', { wchan: 'pipe_wait', fds: [[0, '/dev/null', 'r'], [1, 5, 'w']] }))).toBe('writing-pipe');
  });

  it('takes wait_woken under n_tty_read as reading the terminal', () => {
    expect(classifyActivity(pipeStage(1, 'a', { wchan: 'wait_woken', stack: ['wait_woken', 'n_tty_read', 'tty_read'] }))).toBe('reading-tty');
    expect(classifyActivity(pipeStage(1, 'a', { wchan: 'wait_woken', fds: [[0, '/dev/pts/1', 'r']] }))).toBe('reading-tty');
    expect(classifyActivity(pipeStage(1, 'a', { wchan: 'wait_woken', stack: ['wait_woken', 'sk_wait_data'] }))).toBe('socket');
  });

  it('falls back to the kernel stack when wchan is empty', () => {
    expect(classifyActivity(pipeStage(1, 'a', { wchan: null, stack: ['[<0>] anon_pipe_read+0x366/0x410', '[<0>] vfs_read+0x32c/0x360'] }))).toBe('reading-pipe');
  });
});

describe('progressOf and stackFrames', () => {
  it('counts CPU or I/O movement as progress, but never for a stopped process', () => {
    expect(progressOf(pipeStage(1, 'a', { cpu: 40 }))).toEqual({ progressing: true, known: true });
    expect(progressOf(pipeStage(1, 'a', { cpu: 0 }))).toEqual({ progressing: false, known: true });
    expect(progressOf(pipeStage(1, 'a', { cpu: null }))).toEqual({ progressing: false, known: false });
    expect(progressOf(pipeStage(1, 'a', { cpu: 5, state: 'T' }))).toEqual({ progressing: false, known: true });
  });

  it('strips addresses and offsets from kernel stack frames', () => {
    expect(stackFrames(pipeStage(1, 'a', { stack: ['[<0>] anon_pipe_read+0x366/0x410', 'vfs_read'] }))).toEqual(['anon_pipe_read', 'vfs_read']);
  });
});
