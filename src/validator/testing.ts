import { fakeProcess, fakeSnapshot, fakeUnit } from '../snapshot/testing.js';
import type { Snapshot } from '../snapshot/schema.js';

/** A hand-made host for the validator's unit tests: one of every kind of target. */
export function validatorHost(): Snapshot {
  const svc = (name: string) => ({ unit: { name, manager: 'system' as const, userUid: null, slice: 'system.slice' }, container: null, supervisor: null });
  const docker = { unit: null, container: { runtime: 'docker' as const, id: 'abc123def4567890' }, supervisor: null };
  return fakeSnapshot({
    processes: [
      fakeProcess({ pid: 1, ppid: 0, comm: 'systemd', argv: ['/sbin/init'] }),
      fakeProcess({ pid: 2, ppid: 0, comm: 'kthreadd', argv: [], kernelThread: true, state: 'S' }),
      fakeProcess({ pid: 30, ppid: 2, comm: 'kworker/0:1', argv: [], kernelThread: true, state: 'I' }),
      fakeProcess({ pid: 400, comm: 'systemd-journal', argv: ['/lib/systemd/systemd-journald'], owner: svc('systemd-journald.service') }),
      fakeProcess({ pid: 500, comm: 'nginx', argv: ['nginx: master process /usr/sbin/nginx'], owner: svc('nginx.service'), signals: { pending: [], shdPending: [], blocked: [], ignored: ['SIGPIPE'], caught: ['SIGTERM', 'SIGHUP'] } }),
      fakeProcess({ pid: 501, ppid: 500, pgid: 500, comm: 'nginx', argv: ['nginx: worker process'], owner: svc('nginx.service') }),
      fakeProcess({ pid: 600, comm: 'sshd', argv: ['sshd: /usr/sbin/sshd -D'], owner: svc('ssh.service') }),
      fakeProcess({ pid: 650, comm: 'reaper', argv: ['/usr/local/bin/reaper'] }),
      fakeProcess({ pid: 700, ppid: 650, pgid: 650, comm: 'child', argv: [], state: 'Z' }),
      fakeProcess({ pid: 800, comm: 'dd', argv: ['dd', 'if=/dev/sdb'], state: 'D', wchan: 'io_schedule' }),
      fakeProcess({ pid: 810, comm: 'grep', argv: ['grep', 'x'], state: 'T', wchan: 'do_signal_stop' }),
      fakeProcess({ pid: 820, comm: 'obstinate', argv: ['obstinate'], signals: { pending: [], shdPending: [], blocked: [], ignored: ['SIGTERM'], caught: [] } }),
      fakeProcess({ pid: 900, comm: 'sh', argv: ['/bin/sh', '/entry.sh'], namespaceInit: true, nspid: [900, 1], owner: docker, signals: { pending: [], shdPending: [], blocked: [], ignored: [], caught: [] } }),
      fakeProcess({ pid: 901, ppid: 900, pgid: 900, comm: 'app', argv: ['app', '--serve'], nspid: [901, 7], owner: docker }),
      fakeProcess({ pid: 998, comm: 'sshd', argv: ['sshd: alice@pts/0'], owner: svc('ssh.service') }),
      fakeProcess({ pid: 999, ppid: 998, comm: 'bash', argv: ['-bash'], uid: 1000, user: 'alice', tty: 'pts/0' }),
      fakeProcess({ pid: 1000, ppid: 999, pgid: 1000, sid: 999, comm: 'node', argv: ['node', '/work/main/bin/procdoc.js', 'check'], uid: 1000, user: 'alice', tty: 'pts/0' }),
      fakeProcess({ pid: 1100, comm: 'sleep', argv: ['sleep', '1000'], uid: 1000, user: 'alice' }),
      fakeProcess({ pid: 1200, comm: 'python3', argv: ['python3', 'server.py', '--port', '8080'], uid: 1000, user: 'alice' }),
      fakeProcess({ pid: 1300, comm: 'spin', argv: ['./spin'], policy: 'SCHED_FIFO', rtPriority: 50 }),
    ],
    units: [
      fakeUnit({ name: 'nginx.service', restart: 'always', mainPid: 500, nRestarts: 2 }),
      fakeUnit({ name: 'ssh.service', restart: 'on-failure', mainPid: 600 }),
      fakeUnit({ name: 'systemd-journald.service', restart: 'always', mainPid: 400 }),
    ],
    self: { pid: 1000, ancestors: [999, 998, 1] },
  });
}
