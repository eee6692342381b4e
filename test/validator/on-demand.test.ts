import { readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { judgeLive } from '../../src/cli/commands/check.js';
import type { GlobalOptions } from '../../src/cli/context.js';
import { withSystemUnits } from '../../src/snapshot/systemd.js';
import { withDetails } from '../../src/snapshot/process.js';
import { takeSnapshot } from '../../src/snapshot/take.js';
import { loadValidator, systemUnitsOf, type Validator, type Verdict } from '../../src/validator/index.js';
import { createV1Cgroup, removeAllCgroups } from '../support/cgroups.js';
import { readState, startPidNamespace, startProcess, startStopped, startTermIgnorer, startThreaded, startZombie, stopAll, waitFor } from '../support/procs.js';

/*
 * `procdoc check` on a large host reads only the processes its judgement looks up
 * (judgeLive). Its verdicts must be exactly those of a judgement against every process:
 * each command below is judged both ways, against live processes started here.
 */

const GLOBALS: GlobalOptions = { procRoot: '/proc', sysRoot: '/sys', color: false, model: undefined, baseUrl: undefined };
/** Judged in rounds whatever the host's size (this one has fewer processes than ON_DEMAND_MIN_PROCESSES). */
const EVERY_HOST = { minProcesses: 0 };
let validator: Validator;
let commands: string[] = [];

/** The verdict against a light snapshot of every process, completed as check used to (and still does for a scan). */
async function judgedAgainstAll(command: string): Promise<Verdict> {
  const snapshot = await takeSnapshot({ procRoot: '/proc', sysRoot: '/sys', deep: false, deepPids: [], forAnalysis: false, light: true, sampleMs: 0, serviceManager: true });
  const first = validator.analyze(command, snapshot);
  const judged = withSystemUnits(withDetails(snapshot, first.verdict.targets.map((t) => t.pid), '/proc'), systemUnitsOf(first.effects));
  return validator.check(command, judged);
}

beforeAll(async () => {
  validator = await loadValidator();
  const sleeper = await startProcess('exec sleep 600');
  const zombie = await startZombie();
  const stopped = await startStopped();
  const ignorer = await startTermIgnorer();
  const ns = await startPidNamespace();
  const pair = await startProcess('sleep 600 & sleep 600 & wait');
  const threaded = await startThreaded();
  const frozen = await startProcess('exec sleep 600');
  const cg = createV1Cgroup('freezer');
  cg.addPid(frozen.pid);
  await cg.freeze();
  await waitFor(() => readState(frozen.pid) === 'D', { timeoutMs: 5000, what: `pid ${frozen.pid} in D state` });
  const self = process.pid;
  commands = [
    `kill -9 ${sleeper.pid}`,
    `kill ${sleeper.pid}`,
    `kill -0 ${sleeper.pid}`,
    `sudo timeout -s KILL 5 kill -9 ${sleeper.pid}`,
    `bash -c 'kill -9 ${sleeper.pid}'`,
    `nice -n 5 kill -STOP ${sleeper.pid}`,
    `kill -9 ${zombie.zombiePid}`,
    `kill ${zombie.parentPid}`,
    `kill -s CHLD ${zombie.parentPid}`,
    `kill -CONT ${stopped.pid}`,
    `kill ${stopped.pid}`,
    `kill ${ignorer.pid}`,
    `kill -9 ${ignorer.pid}`,
    `kill ${ns.initPid}`,
    `kill -TERM ${frozen.pid}`,
    `kill -- -${pair.pgid}`,
    `kill ${self}`,
    // A thread of this process: /proc lists only processes, but a thread's pid opens there too.
    `kill -9 ${readdirSync(`/proc/${self}/task`).find((t) => t !== String(self))}`,
    // A thread of another process, by what each command reaches (the process, or the thread).
    `kill -TERM ${threaded.tid}`,
    `kill -9 ${threaded.tid}`,
    `renice -n 5 -p ${threaded.tid}`,
    `echo 500 > /proc/${threaded.tid}/oom_score_adj`,
    `kill -9 ${process.ppid}`,
    'kill 1',
    'kill -9 1',
    'kill -1',
    'kill 0',
    'kill -TERM -- -1',
    'kill %1',
    `pgrep sleep | xargs kill -9`,
    `renice -n 5 -u root`,
    `renice -n 5 -g ${pair.pgid}`,
    `sudo -u nobody kill ${sleeper.pid}`,
    `echo b > /proc/sysrq-trigger`,
    'kill 2',
    'kill 999999',
    `kill ${sleeper.pid} 999999 ${stopped.pid}`,
    `renice -n 5 -p ${sleeper.pid}`,
    `echo -500 > /proc/${sleeper.pid}/oom_score_adj`,
    `echo 1000 > /proc/${zombie.zombiePid}/oom_score_adj`,
    `taskset -p 1 ${sleeper.pid}`,
    `chrt -f -p 10 ${sleeper.pid}`,
    `ionice -c 3 -p ${sleeper.pid}`,
    'pkill -f sleep',
    'killall sleep',
    'pgrep -u root sleep',
    'systemctl restart nginx',
    'docker stop abc123',
    'ps aux | grep sleep',
    `cat /proc/${sleeper.pid}/status`,
    `kill $(pgrep sleep)`,
    'rm -rf /',
  ];
}, 60_000);

afterAll(async () => {
  await removeAllCgroups();
  await stopAll();
});

describe('check reads only what its judgement looks up', () => {
  it('gives the verdict of a judgement against every process, for every command', async () => {
    expect(commands.length).toBeGreaterThan(30);
    const readFew: string[] = [];
    // This test process starts and ends threads as it runs: the "all N of its threads" that a
    // verdict on one of its threads quotes may differ between two readings of it. The rest must not.
    const steady = (verdict: Verdict): Verdict => JSON.parse(JSON.stringify(verdict).replace(/all \d+ of its threads/g, 'all N of its threads')) as Verdict;
    for (const command of commands) {
      const onDemand = await judgeLive(validator, [command], GLOBALS, EVERY_HOST);
      const all = steady(await judgedAgainstAll(command));
      expect({ command, verdict: steady(onDemand.analysis.verdict) }).toEqual({ command, verdict: all });
      // check on a small host: a light snapshot of every process, completed only where the judgement needs it (Analysis.needs).
      const light = await judgeLive(validator, [command], GLOBALS, { minProcesses: Number.MAX_SAFE_INTEGER });
      expect({ command, verdict: steady(light.analysis.verdict) }).toEqual({ command, verdict: all });
      if (onDemand.read !== 'all') readFew.push(command);
    }
    // Most were judged on a few processes (the comparison is not between two full reads)…
    expect(readFew.length).toBeGreaterThan(20);
    // …and those that go through all processes or a process group were not.
    expect(readFew).not.toContain('pkill -f sleep');
    expect(readFew.some((c) => c.startsWith('kill -- -'))).toBe(false);
  }, 120_000);

  it('reads a few processes for a command on named PIDs, and every process for a pattern', async () => {
    const all = await takeSnapshot({ procRoot: '/proc', sysRoot: '/sys', deep: false, deepPids: [], forAnalysis: false, light: true, sampleMs: 0, serviceManager: false });
    const total = all.processes.length;
    const named = await judgeLive(validator, [`kill -9 ${commands[0]!.split(' ').pop()}`], GLOBALS, EVERY_HOST);
    expect(named.read).toBeTypeOf('number');
    // The target, its ancestors, and procdoc's own: far fewer than the host's processes.
    expect(named.read as number).toBeLessThan(total / 2);
    expect(named.snapshot.processes.some((p) => p.comm === 'sleep')).toBe(true);
    expect((await judgeLive(validator, ['pkill -f sleep'], GLOBALS, EVERY_HOST)).read).toBe('all');
    // A unit's processes are found among all of them; with no systemd (PID 1 is another init) systemctl
    // fails whatever runs, and only PID 1 is needed to say so.
    const unit = await judgeLive(validator, ['systemctl restart nginx'], GLOBALS, EVERY_HOST);
    if (all.host.initSystem === 'other') {
      expect(unit.analysis.verdict.rules.map((r) => r.id)).toEqual(['target-not-found']);
      expect(unit.read as number).toBeLessThan(total / 2);
    } else expect(unit.read).toBe('all');
    // Below the threshold every process is read, while the parser loads.
    expect((await judgeLive(validator, [`kill -9 ${commands[0]!.split(' ').pop()}`], GLOBALS, { minProcesses: total + 1000 })).read).toBe('all');
  });
});
