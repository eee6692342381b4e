import { describe, expect, it } from 'vitest';
import { fakeProcess, fakeSnapshot } from '../snapshot/testing.js';
import { buildContext } from './build.js';
import { createAnonymizer } from './anonymize.js';

describe('createAnonymizer', () => {
  const snapshot = fakeSnapshot({
    host: { hostname: 'db-prod-7.example.com' },
    processes: [fakeProcess({ pid: 10, uid: 1001, user: 'alice', argv: ['python3', '/home/alice/jobs/etl.py'] })],
  });

  it('replaces host names, user names and personal paths and maps them back', () => {
    const anon = createAnonymizer(snapshot);
    const text = 'alice runs /home/alice/jobs/etl.py on db-prod-7.example.com (db-prod-7) with /usr/bin/python3';
    const out = anon.apply(text);
    expect(out).not.toContain('alice');
    expect(out).not.toContain('db-prod-7');
    expect(out).toContain('/usr/bin/python3');
    expect(out).toMatch(/\/anon\/path_1/);
    expect(anon.restore(out)).toBe(text);
  });

  it('maps the same original to the same placeholder every time', () => {
    const anon = createAnonymizer(snapshot);
    expect(anon.apply('/home/alice/x')).toBe(anon.apply('/home/alice/x'));
  });

  it('leaves system accounts and system paths alone', () => {
    const anon = createAnonymizer(snapshot);
    expect(anon.apply('root ran /usr/sbin/cron in /system.slice/cron.service')).toBe('root ran /usr/sbin/cron in /system.slice/cron.service');
  });

  it('hides a short host name too (vm): in the host fields, though not in free text, where it would hit /proc/sys/vm', () => {
    const short = fakeSnapshot({ host: { hostname: 'vm' } });
    const anon = createAnonymizer(short);
    expect(anon.host('vm')).toBe('host_1');
    expect(anon.apply('read /proc/sys/vm/overcommit_memory')).toBe('read /proc/sys/vm/overcommit_memory');
    expect(anon.restore('host_1 is fine')).toBe('vm is fine');
    const context = buildContext({ snapshot: short, findings: [], question: 'what is wrong?', anonymizer: anon });
    expect(context.text).toContain('host_1');
    expect(context.text).not.toMatch(/\bvm\b(?!\/)/);
  });
});
