import { beforeAll, describe, expect, test } from 'vitest';
import { validatorHost } from './testing.js';
import { loadValidator, type Validator } from './index.js';

let validator: Validator;
beforeAll(async () => {
  validator = await loadValidator();
});

const check = (command: string) => validator.check(command, validatorHost());
const ids = (command: string) => check(command).rules.map((r) => r.id);

describe('debuggers and tracers that attach to a process need a yes, and say what they do to it', () => {
  test.each([
    ['strace -p 1100', /stops it at every system call .* 10 to 100 times/],
    ['strace -p1100', /strace attaches to PID 1100/],
    ['strace -fp 1100', /strace attaches to PID 1100/],
    ['strace --attach=1100', /strace attaches to PID 1100/],
    ['strace -f -e trace=openat -p 1100', /strace attaches to PID 1100/],
    ['ltrace -p 1200', /stops it at every library call/],
    ['gdb -p 1100', /stops it for as long as the debugger holds it/],
    ['gdb --pid=1100', /gdb attaches to PID 1100/],
    ['gdb -pid 1100', /gdb attaches to PID 1100/],
    ['gdb /bin/sleep 1100', /gdb attaches to PID 1100/],
    ['pstack 1100', /pauses it briefly .* to read its stacks/],
    ['eu-stack -p 1100', /pauses it briefly/],
    ['perf record -p 1200', /perturbs it through sampling or tracepoints/],
    ['perf top -p 1200', /perf attaches to PID 1200/],
    ['perf trace -p 1200', /perf attaches to PID 1200/],
    ['perf stat -p 1200', /perf attaches to PID 1200/],
    ['perf top', /samples every process on the machine/],
    ['perf stat -a sleep 1', /counts events of every process/],
    ['py-spy dump --pid 1200', /pauses it briefly at each sample/],
    ['py-spy dump --pid 1200 --nonblocking', /without pausing it/],
    ['py-spy top -p 1200', /py-spy attaches to PID 1200/],
    ['bpftrace -p 1200 -e "uprobe:/usr/bin/python3:main {}"', /attaches probes to its code/],
    ['bpftrace -e "tracepoint:syscalls:sys_enter_openat { @[comm] = count(); }"', /attaches probes to the kernel/],
    ['cpulimit -p 1100 -l 10', /SIGSTOP\/SIGCONT many times a second/],
    ['gcore 1200', /pauses it while its core is written \(seconds per GB/],
  ])('%s', (command, message) => {
    const verdict = check(command);
    expect(verdict.decision, JSON.stringify(verdict.rules)).toBe('confirm');
    const attach = verdict.rules.filter((r) => r.id === 'attaches-to-process');
    expect(attach.length).toBeGreaterThan(0);
    expect(attach.map((r) => r.message).join(' ')).toMatch(message);
  });

  test('each PID of a list is attached to and checked', () => {
    expect(check('strace -p 1100,1200').targets.map((t) => t.pid)).toEqual([1100, 1200]);
    expect(check('perf record -p 1100,1200').targets.map((t) => t.pid)).toEqual([1100, 1200]);
    expect(ids('strace -p 1100 -p 4242')).toContain('target-not-found');
  });
});

describe('what an attach is aimed at', () => {
  test.each(['strace -p 4242', 'gdb -p 4242', 'pstack 4242', 'gcore 4242', 'ltrace -p 4242', 'perf record -p 4242', 'py-spy dump --pid 4242', 'eu-stack -p 4242', 'bpftrace -p 4242 -e "BEGIN {}"', 'cpulimit -p 4242 -l 5'])(
    'a missing PID is target-not-found: %s',
    (command) => {
      expect(check(command).decision).toBe('deny');
      expect(ids(command)).toContain('target-not-found');
    },
  );

  test('stopping init, a critical daemon or the caller is denied; a zombie or kernel thread cannot be attached to', () => {
    expect(ids('gdb -p 1')).toEqual(['target-pid1']);
    expect(check('strace -p 1').rules[0]?.message).toMatch(/init, and stops it at every system call.*nothing reaps orphans/);
    expect(ids('strace -p 600')).toEqual(['target-critical']);
    expect(ids('gcore 400')).toContain('target-critical');
    expect(ids('gdb -p 999')).toEqual(['target-self']);
    expect(ids('strace -p 1000')).toEqual(['target-self']);
    expect(ids('strace -p 700')).toEqual(['target-zombie']);
    expect(ids('gdb -p 30')).toEqual(['target-kernel-thread']);
    expect(ids('strace -p abc')).toEqual(['unparseable']);
  });

  test('sampling tools that do not stop the target stay a confirm on a critical daemon', () => {
    expect(check('perf top -p 600').decision).toBe('confirm');
  });
});

describe('what the tools write and run', () => {
  test('trace and profile files are judged as writes', () => {
    expect(check('strace -o /etc/passwd -p 1100').rules.find((r) => r.message.includes('/etc/passwd'))).toBeDefined();
    expect(check('perf record -p 1200').rules.map((r) => r.message).join(' ')).toContain('perf.data');
    expect(check('perf record -o /tmp/x.data -p 1200').rules.map((r) => r.message).join(' ')).toContain('/tmp/x.data');
    expect(check('gcore -o /tmp/core 1200').rules.map((r) => r.message).join(' ')).toContain('/tmp/core.1200');
    expect(check('py-spy record -o /tmp/p.svg --pid 1200').rules.map((r) => r.message).join(' ')).toContain('/tmp/p.svg');
    expect(check('bpftrace -o /tmp/out -e "BEGIN {}"').rules.map((r) => r.message).join(' ')).toContain('/tmp/out');
  });

  test('a trace piped into a shell command is shell indirection', () => {
    expect(ids('strace -o "|sh -c reboot" -p 1100')).toContain('shell-indirection');
  });

  test('the command a tracer or profiler runs is judged as itself', () => {
    expect(ids('strace -f kill -9 1')).toEqual(['target-pid1']);
    expect(ids('ltrace kill -9 500')).toContain('sigkill-on-managed-unit');
    expect(ids('perf stat kill -9 1')).toEqual(['target-pid1']);
    expect(ids('perf record -g -- kill -9 1')).toContain('target-pid1');
    expect(ids('py-spy record -o /tmp/p.svg -- kill -9 1')).toContain('target-pid1');
    expect(ids('bpftrace -c "kill -9 1" -e "BEGIN {}"')).toContain('target-pid1');
    expect(check('strace ls').decision).toBe('allow');
  });

  test('gdb running commands (-ex, -x, -batch) is denied, as what they do cannot be judged', () => {
    for (const command of ['gdb -p 1100 -batch -ex bt', 'gdb -p 1100 -ex kill', 'gdb --eval-command=kill -p 1100', 'gdb -x /tmp/cmds -p 1100', 'gdb -batch -p 1100']) {
      expect(ids(command), command).toContain('shell-indirection');
    }
  });

  test('bpftrace --unsafe (system()) and signal() from probes are denied', () => {
    expect(ids('bpftrace --unsafe -e "BEGIN { system(\\"kill -9 1\\") }"')).toEqual(['shell-indirection']);
    expect(ids('bpftrace -e "kprobe:do_exit { signal(9); }"')).toContain('shell-indirection');
  });

  test('listing and reading forms only read', () => {
    for (const command of ['perf list', 'perf report', 'perf script', 'perf --version', 'bpftrace -l', 'strace -V', 'gdb --version', 'py-spy --help']) {
      expect(check(command).decision, command).toBe('allow');
    }
  });
});
