import { beforeAll, describe, expect, test } from 'vitest';
import { fakeCgroup, fakeProcess, fakeSnapshot, fakeUnit } from '../snapshot/testing.js';
import type { Process } from '../snapshot/schema.js';
import { validatorHost } from './testing.js';
import { loadValidator, type Validator } from './index.js';
import { VerdictSchema } from './verdict.js';

let validator: Validator;
beforeAll(async () => {
  validator = await loadValidator();
});

const ids = (command: string | string[], snapshot = validatorHost()) => validator.check(command, snapshot).rules.map((r) => r.id);

describe('parsing', () => {
  test('one argument is shell text: separators inside it split commands', () => {
    expect(validator.check(['ps; kill -9 1'], validatorHost()).decision).toBe('deny');
  });

  test('several arguments are an argv: a separator inside one word stays data', () => {
    const verdict = validator.check(['echo', 'a; kill -9 1'], validatorHost());
    expect(verdict.decision).toBe('allow');
    expect(verdict.command).toBe("echo 'a; kill -9 1'");
  });

  test('argv words with quotes and dollars are not re-split or expanded', () => {
    expect(validator.check(['grep', "it's $HOME", '/proc/1/status'], validatorHost()).decision).toBe('allow');
  });

  test('an argv that starts with an assignment-looking word is not an assignment', () => {
    expect(ids(['PATH=/tmp', 'ps'])).toContain('unknown-command');
  });

  test('quote removal, escapes and $-quoting resolve the real program name', () => {
    for (const spelling of ["'kill'", 'k\\ill', '"k"ill', "$'\\x6bill'", '\\kill']) {
      expect(ids(`${spelling} -9 500`)).toContain('sigkill-on-managed-unit');
    }
  });

  test('paths are normalised, and an unknown path is also judged as the command its name says', () => {
    expect(ids('//bin/kill -9 1')).toEqual(['target-pid1']);
    expect(ids('/usr/bin/../bin/kill -9 1')).toEqual(['target-pid1']);
    expect(ids('/tmp/kill -9 1')).toEqual(['target-pid1', 'unknown-command']);
    expect(ids('./ps aux')).toEqual(['unknown-command']);
  });

  test('command substitutions are judged as commands, and make the word unknowable', () => {
    const rules = ids('echo "$(kill -9 1)"');
    expect(rules).toContain('target-pid1');
    expect(rules).toContain('shell-indirection');
  });

  test('syntax errors are unparseable, with a hint', () => {
    const verdict = validator.check("kill -9 '1", validatorHost());
    expect(verdict.decision).toBe('deny');
    expect(verdict.rules[0]?.id).toBe('unparseable');
    expect(verdict.rules[0]?.message).toMatch(/Fix the syntax/);
  });

  test('nesting is followed to a limit', () => {
    const deep = "sh -c \"sh -c 'sh -c \\\"sh -c \\\\\\\"sh -c ps\\\\\\\"\\\"'\"";
    expect(validator.check(deep, validatorHost()).decision).toBe('deny');
  });
});

describe('signals and targets', () => {
  test('kill -9 of a Restart=always unit main PID is denied with systemctl restart and a respawn note', () => {
    const verdict = validator.check('kill -9 500', validatorHost());
    expect(verdict.decision).toBe('deny');
    expect(verdict.rules[0]?.id).toBe('sigkill-on-managed-unit');
    expect(verdict.rules[0]?.message).toMatch(/Restart=always would start it again anyway/);
    expect(verdict.alternatives).toEqual(['systemctl restart nginx.service']);
    expect(verdict.targets).toEqual([{ pid: 500, startTime: 1500, comm: 'nginx', unit: 'nginx.service' }]);
  });

  test('kill -9 of a service process whose unit systemctl did not describe: denied, without claiming it is the main process', () => {
    const host = validatorHost();
    const verdict = validator.check('kill -9 500', { ...host, units: host.units.filter((u) => u.name !== 'nginx.service') });
    expect(verdict.rules[0]?.id).toBe('sigkill-on-managed-unit');
    expect(verdict.rules[0]?.message).toMatch(/^PID 500 \(nginx\) belongs to nginx\.service and may be its main process \(systemd did not say which is\); SIGKILL skips/);
    expect(verdict.alternatives).toEqual(['systemctl restart nginx.service']);
  });

  test('a zombie names its parent and how to get it reaped', () => {
    const verdict = validator.check('kill -9 700', validatorHost());
    expect(verdict.rules.map((r) => r.id)).toEqual(['target-zombie']);
    expect(verdict.rules[0]?.message).toMatch(/PID 650 \(reaper\)/);
    expect(verdict.alternatives).toContain('kill -s CHLD 650');
  });

  test('SIGKILL first suggests SIGTERM', () => {
    const verdict = validator.check('kill -9 1100', validatorHost());
    expect(verdict.decision).toBe('confirm');
    expect(verdict.alternatives).toEqual(['kill -TERM 1100']);
  });

  test('SIGKILL to a process that ignores SIGTERM does not suggest SIGTERM', () => {
    const verdict = validator.check('kill -9 820', validatorHost());
    expect(verdict.decision).toBe('confirm');
    expect(verdict.alternatives).toEqual([]);
    expect(verdict.rules[0]?.message).toMatch(/ignores SIGTERM/);
  });

  test('SIGTERM to a TERM-ignorer says it will do nothing', () => {
    expect(ids('kill 820')).toEqual(['signal-ignored']);
  });

  test('the caller and procdoc itself are protected, also through kill 0 and process groups', () => {
    expect(ids('kill 999')).toEqual(['target-self']);
    expect(ids('kill 1000')).toEqual(['target-self']);
    expect(ids('kill 0')).toEqual(['target-self']);
    expect(ids('kill -- -1000')).toEqual(['target-self']);
  });

  test('a container init is PID 1 of its namespace; stopping goes through the runtime', () => {
    const verdict = validator.check('kill 900', validatorHost());
    expect(verdict.rules[0]?.id).toBe('target-pid1');
    expect(verdict.rules[0]?.message).toMatch(/does not catch SIGTERM/);
    expect(verdict.alternatives).toEqual(['docker stop abc123def456']);
  });

  test('a D-state target in a frozen cgroup says to thaw it', () => {
    const snapshot = fakeSnapshot({
      processes: [fakeProcess({ pid: 50, comm: 'sleep', state: 'D', cgroup: { v2: null, v1: { freezer: '/t' } } })],
      cgroups: [fakeCgroup({ path: '/t', version: 1, controllers: ['freezer'], freezer: { state: 'FROZEN' } })],
    });
    const verdict = validator.check('kill 50', snapshot);
    expect(verdict.rules[0]?.id).toBe('uninterruptible-target');
    expect(verdict.rules[0]?.message).toMatch(/FROZEN: thaw it first \(`echo THAWED > \/sys\/fs\/cgroup\/freezer\/t\/freezer.state`\)/);
    expect(verdict.alternatives).toEqual(['echo THAWED > /sys/fs/cgroup/freezer/t/freezer.state']);
    expect(verdict.rules[0]?.message).toMatch(/^PID 50 \(sleep\) is in uninterruptible sleep \(D\): SIGTERM stays pending until that wait ends and it cannot exit before then\./);
    // A signal that does not end it says nothing of exiting.
    expect(validator.check('kill -CONT 50', snapshot).rules[0]?.message).toMatch(/: SIGCONT stays pending until that wait ends\. Its cgroup/);
    // SIGKILL waits for the thaw too: thaw first, then SIGTERM.
    expect(validator.check('kill -9 50', snapshot).alternatives).toEqual(['echo THAWED > /sys/fs/cgroup/freezer/t/freezer.state', 'kill -TERM 50']);
  });

  describe('a target frozen by a v2 cgroup (state S, not D)', () => {
    // A server that handles SIGTERM (its handler cannot run while frozen).
    const signals: NonNullable<Process['signals']> = { pending: [], shdPending: [], blocked: [], ignored: [], caught: ['TERM'] };
    const frozenHost = (self: boolean, caught = signals) =>
      fakeSnapshot({
        processes: [fakeProcess({ pid: 50, comm: 'server', state: 'S', signals: caught, cgroup: { v2: '/t/job', v1: {} } })],
        cgroups: [fakeCgroup({ path: '/t/job', version: 2, controllers: [], freezer: { state: 'FROZEN', self } })],
      });

    test('a SIGTERM it handles stays pending until it is thawed, and the thaw is offered', () => {
      const verdict = validator.check('kill 50', frozenHost(true));
      expect(verdict.decision).toBe('confirm');
      expect(verdict.rules.map((r) => r.id)).toEqual(['state-change']);
      expect(verdict.rules[0]?.message).toBe(
        'PID 50 (server) is frozen (its cgroup /t/job is FROZEN): SIGTERM stays pending until the cgroup is thawed; thaw it first (`echo 0 > /sys/fs/cgroup/t/job/cgroup.freeze`).',
      );
      expect(verdict.alternatives).toEqual(['echo 0 > /sys/fs/cgroup/t/job/cgroup.freeze']);
    });

    test('SIGKILL acts at once; the SIGTERM offered instead would wait for the thaw, so the thaw comes first', () => {
      const verdict = validator.check('kill -9 50', frozenHost(true));
      expect(verdict.rules.map((r) => r.id)).toEqual(['sigkill-before-sigterm']);
      expect(verdict.alternatives).toEqual(['echo 0 > /sys/fs/cgroup/t/job/cgroup.freeze', 'kill -TERM 50']);
    });

    test('a SIGTERM it has no handler for ends it at once, frozen or not: no thaw needed', () => {
      const verdict = validator.check('kill 50', frozenHost(true, { ...signals, caught: [] }));
      expect(verdict.rules.map((r) => r.id)).toEqual(['state-change']);
      expect(verdict.rules[0]?.message).toBe('This sends SIGTERM to PID 50 (server).');
      expect(verdict.alternatives).toEqual([]);
      // SIGQUIT ends it with a core dump, which it must wake to write: that waits.
      expect(validator.check('kill -QUIT 50', frozenHost(true, { ...signals, caught: [] })).rules[0]?.message).toMatch(/SIGQUIT stays pending until the cgroup is thawed/);
    });

    test('a signal it ignores is dropped when sent, frozen or not: no wait for the thaw is claimed', () => {
      const verdict = validator.check('kill 50', frozenHost(true, { ...signals, caught: [], ignored: ['TERM'] }));
      expect(verdict.rules.map((r) => r.id)).toEqual(['signal-ignored']);
      expect(verdict.alternatives).toEqual([]);
    });

    test('frozen by an ancestor: writing to its own cgroup.freeze would thaw nothing, so none is offered', () => {
      const verdict = validator.check('kill 50', frozenHost(false));
      expect(verdict.rules[0]?.message).toMatch(/an ancestor cgroup froze it: thaw that one first\.$/);
      expect(verdict.alternatives).toEqual([]);
    });
  });

  test('targets carry pid and start time', () => {
    expect(validator.check('kill -TERM 1100', validatorHost()).targets).toEqual([{ pid: 1100, startTime: 2100, comm: 'sleep', unit: null }]);
  });

  test('critical daemons are configurable', () => {
    expect(ids('kill 1100')).toEqual(['state-change']);
    expect(validator.check('kill 1100', validatorHost(), { criticalComms: ['sleep'] }).rules.map((r) => r.id)).toEqual(['target-critical']);
  });

  describe('a process group signalled with -PGID', () => {
    // A shell pipeline's group: the leader, a worker, and a stage stopped by job control.
    const group = (stopped: boolean) =>
      fakeSnapshot({
        processes: [
          fakeProcess({ pid: 1, ppid: 0, comm: 'systemd' }),
          fakeProcess({ pid: 2000, pgid: 2000, comm: 'bash', argv: ['bash', 'job.sh'] }),
          fakeProcess({ pid: 2001, ppid: 2000, pgid: 2000, comm: 'sleep', argv: ['sleep', '600'] }),
          fakeProcess({ pid: 2002, ppid: 2000, pgid: 2000, comm: 'grep', argv: ['grep', 'x'], ...(stopped ? { state: 'T' as const, wchan: 'do_signal_stop' } : {}) }),
        ],
      });

    test('kill -9 -- -PGID offers SIGTERM to the group, not to each member, with -- so that every kill reads the group', () => {
      const verdict = validator.check('kill -9 -- -2000', group(false));
      expect(verdict.decision).toBe('confirm');
      expect(verdict.alternatives).toEqual(['kill -TERM -- -2000']);
      expect(verdict.targets.map((t) => t.pid)).toEqual([2000, 2001, 2002]);
    });

    test('with a stopped member, the group is also to be continued, in group form', () => {
      const verdict = validator.check('kill -9 -- -2000', group(true));
      expect(verdict.alternatives).toEqual(['kill -TERM -- -2000', 'kill -CONT -- -2000']);
      const term = validator.check('kill -TERM -- -2000', group(true));
      expect(term.rules.find((r) => r.message.includes('is stopped (T)'))?.message).toContain('(kill -CONT -- -2000)');
    });

    test('a zombie member does not deny the group signal (it is dead already), so the group alternative is itself usable', () => {
      // Group 650: reaper 650 and its unreaped child 700.
      const verdict = validator.check('kill -9 -- -650', validatorHost());
      expect(verdict.alternatives[0]).toBe('kill -TERM -- -650');
      const term = validator.check('kill -TERM -- -650', validatorHost());
      expect(term.decision).toBe('confirm');
      expect(term.rules.find((r) => r.message.startsWith('PID 700 (child)'))?.message).toMatch(/zombie.*does nothing to it.*PID 650 \(reaper\)/);
      // Aimed at by itself, a zombie is still denied, with its parent to signal instead.
      expect(ids('kill -TERM 700')).toEqual(['target-zombie']);
    });

    test('a group of two or more digits after the signal, without --, is denied: the kill program reads only its first digit', () => {
      // procps-ng 4.0's kill (what sudo, env, xargs and procdoc exec run) folds -2000 to -2, and
      // -1234 to -1: kill(-1, SIG), every process. bash's builtin reads the group. -- settles it.
      const verdict = validator.check('kill -TERM -2000', group(false));
      expect(verdict.decision).toBe('deny');
      const misread = verdict.rules.find((r) => r.id === 'unparseable');
      expect(misread?.message).toMatch(/reads -2000 as -2 .* Put -- before it: `kill -TERM -- -2000`/);
      expect(verdict.alternatives).toContain('kill -TERM -- -2000');
      const broadcast = validator.check('kill -9 -1234', group(false));
      expect(broadcast.rules.map((r) => r.id)).toContain('broadcast-kill');
      expect(validator.check('kill -s KILL -1234', group(false)).rules.map((r) => r.id)).toContain('broadcast-kill');
      // With --, or a one-digit group, both read the same group.
      expect(validator.check('kill -TERM -- -2000', group(false)).decision).toBe('confirm');
      expect(validator.check('sudo kill -TERM -- -2000', group(false)).decision).toBe('confirm');
      expect(ids('kill -9 -5')).toEqual(['target-not-found']);
    });

    test('a single stopped PID gets SIGTERM and SIGCONT as alternatives to SIGKILL', () => {
      const verdict = validator.check('kill -9 810', validatorHost());
      expect(verdict.alternatives).toEqual(['kill -TERM 810', 'kill -CONT 810']);
      expect(verdict.rules.find((r) => r.id === 'sigkill-before-sigterm')?.message).toMatch(/stopped \(T\).*SIGCONT/);
    });
  });

  test('an invalid signal fails in the shell: nothing is signalled, and the verdict says so instead of judging a signal', () => {
    for (const command of ['kill -99 1100', 'kill -65 1100', 'kill -s 99 1100', 'kill -FOO 1100', 'kill --signal=99 1100']) {
      const analysis = validator.analyze(command, validatorHost());
      expect(analysis.verdict.decision, command).toBe('deny');
      expect(analysis.verdict.rules.map((r) => r.id), command).toEqual(['unparseable']);
      expect(analysis.verdict.rules[0]?.message, command).toMatch(/is not a valid signal.*the command fails and nothing is signalled/);
      expect(analysis.verdict.targets, command).toEqual([]);
      expect(analysis.effects, command).toEqual([]);
    }
    const n99 = validator.check('kill -99 1100', validatorHost()).rules[0]?.message;
    expect(n99).toContain('the kill program (procps-ng 4.0');
    expect(n99).toContain('To signal process group 99, write `kill -TERM -- -99`');
    // procps's kill reads -123 as -1: SIGTERM to every process.
    expect(ids('kill -123 1100')).toEqual(['broadcast-kill', 'unparseable']);
    // The highest real-time signal is valid; a group after a signal is a group.
    expect(ids('kill -64 1100')).not.toContain('unparseable');
    expect(ids('kill -TERM -- -99')).toEqual(['target-not-found']);
  });

  test('kill -0 only probes', () => {
    expect(validator.check('kill -0 1100', validatorHost()).decision).toBe('allow');
  });
});

describe('what a judgement needs read before it is made again on a light snapshot (Analysis.needs)', () => {
  test('the wchan of a D-state target, the oom_score_adj a write replaces, and the ids not found; nothing for a plain kill', () => {
    const needs = (command: string) => validator.analyze(command, validatorHost()).needs;
    expect(needs('kill -TERM 800')).toEqual([800]);
    expect(needs('echo 5 > /proc/1100/oom_score_adj')).toEqual([1100]);
    expect(needs('kill 4242')).toEqual([4242]);
    expect(needs('sudo sh -c "kill -TERM 800; kill 1100"')).toEqual([800]);
    expect(needs('kill -9 1100')).toEqual([]);
    expect(needs('pkill -f sleep')).toEqual([]);
  });
});

describe('thread ids (a snapshot records those a command names: Snapshot.threads)', () => {
  /** 503 is a thread of nginx's main process (a Restart=always unit), 1203 of alice's python3. */
  const host = () => ({ ...validatorHost(), threads: [{ tid: 503, pid: 500, startTime: null }, { tid: 1203, pid: 1200, startTime: null }] });

  test('kill of a thread id is judged as its process: kill -9 of a unit main process stays denied, and says the whole process gets it', () => {
    const verdict = validator.check('kill -9 503', host());
    expect(verdict.decision).toBe('deny');
    // Denials come first.
    expect(verdict.rules.map((r) => r.id)).toEqual(['sigkill-on-managed-unit', 'target-thread']);
    expect(verdict.rules[1]?.message).toMatch(/^503 is not a process but a thread of PID 500 \(nginx\): sending SIGKILL acts on the whole process/);
    expect(verdict.alternatives).toEqual(['systemctl restart nginx.service']);
    expect(verdict.targets).toEqual([{ pid: 500, startTime: 1500, comm: 'nginx', unit: 'nginx.service' }]);
  });

  test('kill -TERM of a thread of an unmanaged process is a confirm naming the process', () => {
    const verdict = validator.check('kill -TERM 1203', host());
    expect(verdict.decision).toBe('confirm');
    expect(verdict.rules.map((r) => r.id)).toEqual(['target-thread', 'state-change']);
    expect(verdict.rules[0]?.message).toContain('Name PID 1200 to aim at the process');
    expect(verdict.targets.map((t) => t.pid)).toEqual([1200]);
  });

  test('renice, chrt and taskset of a thread id change that thread only; oom_score_adj through it changes the process', () => {
    for (const command of ['renice -n 5 -p 1203', 'chrt -o -p 0 1203', 'taskset -p 1 1203']) {
      const verdict = validator.check(command, host());
      expect(verdict.decision, command).toBe('confirm');
      expect(verdict.rules.find((r) => r.id === 'target-thread')?.message, command).toContain('changes that one thread only');
    }
    const oom = validator.check('echo 500 > /proc/1203/oom_score_adj', host());
    expect(oom.rules.find((r) => r.id === 'target-thread')?.message).toContain('acts on the whole process');
  });

  test('what renice, chrt, taskset and ionice change is named as the thread, and the target is the thread with its own start time', () => {
    const threaded = () => ({ ...validatorHost(), threads: [{ tid: 1203, pid: 1200, startTime: 4242 }] });
    const cases: [string, RegExp][] = [
      ['renice -n 5 -p 1203', /^Sets the nice value of thread 1203 of PID 1200 \(python3\) to 5/],
      ['chrt -o -p 0 1203', /^chrt changes how thread 1203 of PID 1200 \(python3\) is scheduled/],
      ['chrt -f -p 10 1203', /^chrt gives thread 1203 of PID 1200 \(python3\) a real-time scheduling policy/],
      ['taskset -p 1 1203', /^taskset changes how thread 1203 of PID 1200 \(python3\) is scheduled \(which CPUs it may run on\)/],
      ['ionice -c 3 -p 1203', /^ionice changes how thread 1203 of PID 1200 \(python3\) is scheduled/],
    ];
    for (const [command, message] of cases) {
      const verdict = validator.check(command, threaded());
      const other = verdict.rules.filter((r) => r.id !== 'target-thread');
      expect(other.map((r) => r.message), command).toEqual([expect.stringMatching(message)]);
      expect(verdict.targets, command).toEqual([{ pid: 1203, startTime: 4242, comm: 'python3', unit: null }]);
    }
    // The process's own id is still named as the process.
    expect(validator.check('renice -n 5 -p 1200', threaded()).rules.map((r) => r.message)).toEqual(['Sets the nice value of 1200 (python3) to 5.']);
  });

  test('an id that is neither a process nor a recorded thread is still not found', () => {
    expect(validator.check('kill -9 4242', host()).rules.map((r) => r.id)).toEqual(['target-not-found']);
    // Without the record, a thread id is judged as a missing process (a saved snapshot knows no threads).
    expect(validator.check('kill -9 503', validatorHost()).rules.map((r) => r.id)).toEqual(['target-not-found']);
  });
});

describe('pattern expansion (blast radius)', () => {
  test('pkill -f matches the whole argv', () => {
    const verdict = validator.check('pkill -f server.py', validatorHost());
    expect(verdict.targets.map((t) => t.pid)).toEqual([1200]);
    expect(verdict.alternatives).toEqual(['kill -TERM 1200']);
  });

  test('pkill matches comm, which the kernel cuts to 15 characters', () => {
    const snapshot = fakeSnapshot({ processes: [fakeProcess({ pid: 70, comm: 'averyveryverylo', argv: ['averyveryverylongname'] })] });
    expect(validator.check('pkill -x averyveryverylongname', snapshot).rules.map((r) => r.id)).toEqual(['target-not-found']);
    expect(validator.check('pkill -x averyveryverylo', snapshot).targets.map((t) => t.pid)).toEqual([70]);
    expect(validator.check('killall averyveryverylongname', snapshot).targets.map((t) => t.pid)).toEqual([70]);
  });

  test('killall -r matches comm with a regular expression, -I without case; a plain name matches whole', () => {
    const pids = (command: string) => validator.check(command, validatorHost()).targets.map((t) => t.pid);
    expect(pids('killall -r "^ngi"')).toEqual([500, 501]);
    expect(pids('killall -r "^NGI"')).toEqual([]);
    expect(pids('killall -I -r "^NGI"')).toEqual([500, 501]);
    expect(pids('killall -r "^ngi" "^pyth"')).toEqual([500, 501, 1200]);
    expect(pids('killall ngi')).toEqual([]);
  });

  test('-u selects by user; the caller among them is denied', () => {
    const verdict = validator.check('pkill -u alice', validatorHost());
    expect(verdict.decision).toBe('deny');
    expect(verdict.rules.map((r) => r.id)).toContain('broad-match');
    expect(verdict.targets.map((t) => t.pid).sort()).toEqual([1000, 1100, 1200, 999]);
  });

  test('a pattern that matches nothing is denied as not found', () => {
    expect(ids('pkill -x nginxx')).toEqual(['target-not-found']);
  });
});

describe('units, writes and the contract', () => {
  test('systemctl read verbs are allowed and unit actions confirmed, critical ones denied', () => {
    expect(validator.check('systemctl status nginx', validatorHost()).decision).toBe('allow');
    expect(validator.check('systemctl restart nginx', validatorHost()).decision).toBe('confirm');
    expect(ids('systemctl stop ssh')).toEqual(['critical-unit-action']);
  });

  describe('a unit the service manager does not have, or no service manager at all', () => {
    test('systemd answered and knows no such unit: denied as not found, as a missing PID is', () => {
      const host = fakeSnapshot({ processes: [fakeProcess({ pid: 1, ppid: 0, comm: 'systemd' })], units: [fakeUnit({ name: 'doesnotexist-xyz.service', loadState: 'not-found', activeState: 'inactive', subState: 'dead', mainPid: null })] });
      for (const verb of ['restart', 'stop', 'start', 'reload', 'kill']) {
        const analysis = validator.analyze(`systemctl ${verb} doesnotexist-xyz.service`, host);
        expect(analysis.verdict.rules.map((r) => r.id), verb).toEqual(['target-not-found']);
        expect(analysis.verdict.rules[0]?.message, verb).toMatch(/^systemd knows no unit doesnotexist-xyz\.service: .* fails and nothing (restarts|starts|changes)\. Check the name/);
        expect(analysis.effects, verb).toEqual([]);
      }
    });

    test('no systemd on the host (PID 1 is another init): denied as not found, saying systemctl fails', () => {
      const host = fakeSnapshot({ host: { initSystem: 'other' }, processes: [fakeProcess({ pid: 1, ppid: 0, comm: 'tini' })], units: [] });
      const analysis = validator.analyze('systemctl restart doesnotexist-xyz.service', host);
      expect(analysis.verdict.decision).toBe('deny');
      expect(analysis.verdict.rules.map((r) => r.id)).toEqual(['target-not-found']);
      expect(analysis.verdict.rules[0]?.message).toMatch(/^There is no systemd here: PID 1 is tini\. systemctl restart doesnotexist-xyz\.service fails .* and nothing restarts/);
      expect(analysis.verdict.rules[0]?.message).not.toMatch(/stops the unit/);
      expect(analysis.effects).toEqual([]);
      // Reading stays allowed; it fails just as harmlessly. service runs init scripts without systemd.
      expect(validator.check('systemctl status doesnotexist-xyz.service', host).decision).toBe('allow');
      expect(validator.check('service nginx restart', host).rules.map((r) => r.id)).toEqual(['state-change']);
    });

    test('a unit the snapshot did not ask about is not called missing', () => {
      const host = fakeSnapshot({ processes: [fakeProcess({ pid: 1, ppid: 0, comm: 'systemd' })], units: [fakeUnit({ name: 'other.service' })] });
      expect(validator.check('systemctl restart doesnotexist-xyz.service', host).rules.map((r) => r.id)).toEqual(['state-change']);
    });
  });

  test('oom_score_adj values are range-checked', () => {
    expect(validator.check('echo -1000 > /proc/1100/oom_score_adj', validatorHost()).decision).toBe('confirm');
    expect(ids('echo -1001 > /proc/1100/oom_score_adj')).toEqual(['oom-score-adj-invalid']);
    expect(ids('echo 12 > /proc/1100/oom_adj')).toEqual(['state-change']);
  });

  test('every verdict matches the JSON contract and denials come first', () => {
    for (const c of ['kill -9 500', 'pkill .', 'ps', 'rm -rf /', 'kill 1100; kill -9 1']) {
      const verdict = validator.check(c, validatorHost());
      expect(VerdictSchema.parse(verdict)).toEqual(verdict);
      if (verdict.decision === 'deny') expect(verdict.rules[0]?.decision).toBe('deny');
    }
  });

  test('check is pure: it does not change the snapshot and gives the same answer twice', () => {
    const snapshot = validatorHost();
    const copy = structuredClone(snapshot);
    const a = validator.check('pkill -9 nginx', snapshot);
    const b = validator.check('pkill -9 nginx', snapshot);
    expect(a).toEqual(b);
    expect(snapshot).toEqual(copy);
  });

  test('an empty command is unparseable', () => {
    expect(ids('')).toEqual(['unparseable']);
    expect(ids([])).toEqual(['unparseable']);
  });
});

describe('robustness', () => {
  const odd = [
    `kill -9 ${'1 '.repeat(3000)}`,
    'ps;'.repeat(2000),
    '(((((((((((ps)))))))))))',
    '${a[$(reboot)]}',
    'kill -9 -- --',
    'pkill -f "("',
    'killall -r "("',
    'echo 💥 > /proc/1/oom_score_adj',
    'kill -9 99999999999999999999',
    'coproc x { kill 1; }',
    'declare -a x=($(kill 1))',
    '((x=$(kill 1)))',
    '{ kill 1 }',
    'ünïcødé --flag',
    'cat <<',
  ];
  test('3000 nested subshells, braces or substitutions are denied as too deep to judge, not an internal error', () => {
    for (const command of [`${'( '.repeat(3000)}ps${' )'.repeat(3000)}`, `${'{ '.repeat(3000)}ps${'; }'.repeat(3000)}`, `echo ${'"$(echo '.repeat(3000)}x${')"'.repeat(3000)}`]) {
      const verdict = validator.check(command, validatorHost());
      expect(verdict.decision).toBe('deny');
      expect(verdict.rules).toHaveLength(1);
      expect(verdict.rules[0]?.id).toBe('unparseable');
      expect(verdict.rules[0]?.message).toMatch(/nested too deeply to judge/);
    }
  });

  test('nesting a real command may have is still judged inside', () => {
    expect(ids(`${'( '.repeat(300)}kill -9 1${' )'.repeat(300)}`)).toEqual(['target-pid1']);
  });

  test.each(odd.map((c) => [JSON.stringify(c).slice(0, 40), c]))('judges %s without throwing', (_label, command) => {
    const verdict = validator.check(command, validatorHost());
    expect(['allow', 'confirm', 'deny']).toContain(verdict.decision);
    if (/kill|reboot|oom/.test(command)) expect(verdict.decision).not.toBe('allow');
  });
});
