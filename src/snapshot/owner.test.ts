import { describe, expect, it } from 'vitest';
import { containerFromCgroup, findSupervisor, unitFromCgroup } from './owner.js';

describe('unitFromCgroup', () => {
  it('names a system service and its slice', () => {
    expect(unitFromCgroup('/system.slice/nginx.service')).toEqual({ name: 'nginx.service', manager: 'system', userUid: null, slice: 'system.slice' });
  });
  it('keeps the service for its sub-cgroups', () => {
    expect(unitFromCgroup('/system.slice/docker.service/payload')?.name).toBe('docker.service');
  });
  it('names a unit of a user manager, with its uid', () => {
    expect(unitFromCgroup('/user.slice/user-1000.slice/user@1000.service/app.slice/foo.service')).toEqual({
      name: 'foo.service',
      manager: 'user',
      userUid: 1000,
      slice: 'app.slice',
    });
  });
  it('names session scopes', () => {
    expect(unitFromCgroup('/user.slice/user-1000.slice/session-3.scope')?.name).toBe('session-3.scope');
  });
  it('gives no unit outside systemd units', () => {
    expect(unitFromCgroup('/')).toBeNull();
    expect(unitFromCgroup('/process_api/abc')).toBeNull();
  });
});

describe('containerFromCgroup', () => {
  const id = 'a'.repeat(64);
  it.each([
    [`/system.slice/docker-${id}.scope`, 'docker'],
    [`/docker/${id}`, 'docker'],
    [`/kubepods/burstable/pod12345678-aaaa/${id}`, 'kubepods'],
    [`/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod12345678_aaaa.slice/cri-containerd-${id}.scope`, 'kubepods'],
    [`/system.slice/containerd.service/default/${id}`, 'containerd'],
    [`/machine.slice/libpod-${id}.scope/container`, 'podman'],
    ['/lxc.payload.web1/init.scope', 'lxc'],
    ['/machine.slice/machine-demo.scope/payload', 'nspawn'],
  ])('recognizes %s as %s', (path, runtime) => {
    expect(containerFromCgroup([path])?.runtime).toBe(runtime);
  });
  it('gives none for a host process', () => {
    expect(containerFromCgroup(['/system.slice/sshd.service', '/'])).toBeNull();
  });
});

describe('findSupervisor', () => {
  it('finds the nearest supervising ancestor (cron above a shell)', () => {
    const byPid = new Map([
      [1, { pid: 1, ppid: 0, comm: 'systemd', argv: ['/sbin/init'] }],
      [10, { pid: 10, ppid: 1, comm: 'cron', argv: ['/usr/sbin/cron', '-f'] }],
      [20, { pid: 20, ppid: 10, comm: 'cron', argv: ['/usr/sbin/CRON', '-f'] }],
      [30, { pid: 30, ppid: 20, comm: 'sh', argv: ['/bin/sh', '-c', 'backup'] }],
      [40, { pid: 40, ppid: 30, comm: 'backup', argv: ['backup'] }],
    ]);
    expect(findSupervisor({ pid: 40, ppid: 30 }, byPid, true)).toEqual({ kind: 'cron', pid: 20, comm: 'cron' });
  });
  it('falls back to PID 1 and says whether it is systemd', () => {
    const byPid = new Map([[1, { pid: 1, ppid: 0, comm: 'tini', argv: ['/sbin/tini', '--', 'app'] }]]);
    expect(findSupervisor({ pid: 7, ppid: 1 }, byPid, false)).toEqual({ kind: 'tini', pid: 1, comm: 'tini' });
  });
});
