import { indexSnapshot, printable, type SnapshotIndex } from '../snapshot/query.js';
import type { Cgroup, Snapshot } from '../snapshot/schema.js';
import type { Effect, LimitEffect, LimitSetting } from '../validator/acc.js';
import { cgroupLimit, controllerOf, describeLimit, ownCgroup, unitLimit } from '../validator/limits.js';
import { SIGNAL, defaultAction, listHas, signalName } from '../validator/signals.js';
import type { Check } from './contract.js';

export type { Check } from './contract.js';

/**
 * What verifyEffects looks up in the snapshot after the command: the processes signalled,
 * the zombies a SIGCHLD is to get reaped, and the system units that should come back or
 * change state. A snapshot of only these (SnapshotOptions.pids, withSystemUnits) verifies
 * the effect as one of every process would.
 */
export function observed(effects: readonly Effect[], before: Snapshot): { pids: number[]; units: string[] } {
  const b = indexSnapshot(before);
  const pids = new Set<number>();
  const units = new Set<string>();
  for (const e of effects) {
    if (e.kind === 'signal') {
      pids.add(e.pid);
      if (e.signal === SIGNAL.CHLD) for (const z of b.children(e.pid)) if (z.state === 'Z') pids.add(z.pid);
      const unit = b.process(e.pid)?.owner.unit;
      if (unit?.manager === 'system') units.add(unit.name);
    } else if (e.kind === 'freezer' || e.kind === 'limit') {
      // Reading its processes reads their cgroups, this one among them.
      for (const pid of e.pids) pids.add(pid);
      if (e.kind === 'limit' && e.unit !== null) units.add(e.unit);
    } else if (e.manager === 'system') {
      units.add(e.unit);
    }
  }
  return { pids: [...pids], units: [...units] };
}

/**
 * Compares the snapshot before the command with one after it: is the target gone, did the
 * unit come back with a new MainPID, was the zombie reaped, did the process resume. Pure.
 */
export function verifyEffects(effects: readonly Effect[], before: Snapshot, after: Snapshot): Check[] {
  const b = indexSnapshot(before);
  const a = indexSnapshot(after);
  const checks: Check[] = [];
  for (const e of effects) {
    if (e.kind === 'signal') {
      const was = b.process(e.pid);
      const now = a.process(e.pid);
      const same = now !== undefined && now.startTime === e.startTime;
      const who = `PID ${e.pid} (${printable(e.comm)})`;
      // A process that has exited stays a zombie until its parent reaps it: it is gone all the same.
      const live = same && now.state !== 'Z' && now.state !== 'X';
      const goneDetail = same ? `${who} has exited (a zombie until its parent, PID ${now.ppid}, reaps it).` : `${who} is gone.`;
      const sig = signalName(e.signal);
      if (e.signal === SIGNAL.CHLD) {
        const zombiesBefore = b.children(e.pid).filter((p) => p.state === 'Z');
        if (zombiesBefore.length === 0) continue;
        const left = zombiesBefore.filter((z) => a.process(z.pid)?.state === 'Z' && a.process(z.pid)?.startTime === z.startTime);
        checks.push({
          what: `zombies of ${who} reaped`,
          ok: left.length === 0,
          detail: left.length === 0 ? `${zombiesBefore.length} zombie child(ren) reaped.` : `${left.length} zombie(s) still there (${left.map((z) => z.pid).join(', ')}): the parent does not call wait(); restart or stop it.`,
        });
        continue;
      }
      if (e.signal === SIGNAL.CONT) {
        checks.push({ what: `${who} resumed`, ok: live ? now.state !== 'T' && now.state !== 't' : null, detail: live ? `state is now ${now.state}.` : goneDetail });
        continue;
      }
      if (e.signal === SIGNAL.STOP || defaultAction(e.signal) === 'stop') {
        checks.push({ what: `${who} stopped`, ok: live ? now.state === 'T' || now.state === 't' : null, detail: live ? `state is now ${now.state}.` : goneDetail });
        continue;
      }
      const handled = was !== undefined && listHas(was.signals?.caught, e.signal) && e.signal !== SIGNAL.KILL;
      if (defaultAction(e.signal) !== 'terminate' || (handled && e.signal !== SIGNAL.TERM && e.signal !== SIGNAL.INT)) {
        checks.push({ what: `${sig} delivered to ${who}`, ok: null, detail: live ? `it handles ${sig} and is still running (state ${now.state}), as expected.` : goneDetail });
        continue;
      }
      checks.push({
        what: `${who} exited`,
        ok: !live,
        detail: !live ? goneDetail : `${who} is still running (state ${now.state}${now.state === 'D' ? ', uninterruptible: the signal is pending until its I/O returns' : ''}).`,
      });
      const unit = was?.owner.unit;
      const before = unit ? b.unit(unit.name) : undefined;
      if (unit && before && before.mainPid === e.pid && before.restart !== null && before.restart !== 'no') {
        checks.push(unitCameBack(unit.name, b, a));
      }
    } else if (e.kind === 'freezer') {
      checks.push(freezerCheck(e, a));
    } else if (e.kind === 'limit') {
      if (e.unit !== null) checks.push(unitLimitCheck(e, e.unit, a));
      else if (e.cgroup !== null) checks.push(fileLimitCheck(e, e.cgroup, b, a));
    } else {
      const verb = e.verb;
      if (verb === 'restart' || verb === 'try-restart' || verb === 'reload-or-restart' || verb === 'try-reload-or-restart' || verb === 'condrestart') {
        checks.push(unitCameBack(e.unit, b, a));
      } else if (verb === 'stop' || verb === 'condstop') {
        const u = a.unit(e.unit);
        const stopped = u === undefined || u.activeState === 'inactive' || u.activeState === 'failed' || u.activeState === 'deactivating';
        checks.push({ what: `${e.unit} stopped`, ok: stopped, detail: u ? `now ${u.activeState ?? '?'}/${u.subState ?? '?'}.` : 'it has no processes left.' });
      } else if (verb === 'start' || verb === 'reload' || verb === 'force-reload') {
        const u = a.unit(e.unit);
        checks.push({ what: `${e.unit} active`, ok: u ? u.activeState === 'active' || u.activeState === 'activating' || u.activeState === 'reloading' : null, detail: u ? `now ${u.activeState ?? '?'}/${u.subState ?? '?'}${u.mainPid ? `, main PID ${u.mainPid}` : ''}.` : 'not in the snapshot.' });
      }
    }
  }
  return checks;
}

/** Whether a write to a freezer cgroup took: the cgroup's state after, and its processes'. */
function freezerCheck(e: Extract<Effect, { kind: 'freezer' }>, a: SnapshotIndex): Check {
  const what = `cgroup ${e.path} ${e.freeze ? 'frozen' : 'thawed'}`;
  const after = a.cgroup(e.cgroup)?.freezer ?? null;
  if (after === null) return { what, ok: null, detail: e.pids.length === 0 ? 'it has no processes, so procdoc did not read it again.' : 'its state could not be read again.' };
  const members = e.pids.flatMap((pid) => a.process(pid) ?? []);
  const states = members.length > 0 ? ` Its processes: ${members.slice(0, 4).map((p) => `${p.pid} ${p.state}`).join(', ')}${members.length > 4 ? ', …' : ''}.` : '';
  if (e.freeze) return { what, ok: after.state === 'FROZEN' ? true : after.state === 'FREEZING' ? null : false, detail: `now ${after.state}.${states}` };
  const ancestor = after.state !== 'THAWED' && after.self === false ? ' An ancestor cgroup still holds it frozen.' : '';
  return { what, ok: after.state === 'THAWED', detail: `now ${after.state}.${ancestor}${states}` };
}

/** The limit as a cgroup of the snapshot reads it, with the cgroup's usage where there is one. */
function limitIn(cgroup: Cgroup, setting: LimitSetting): { value: number | null | undefined; usage: string } {
  const current = setting === 'pids.max' ? cgroup.pids?.current : setting === 'cpu.quota' ? null : cgroup.memory?.current;
  const usage = current === null || current === undefined ? '' : `; it ${setting === 'pids.max' ? 'has' : 'uses'} ${describeLimit(setting, current)}`;
  return { value: cgroupLimit(cgroup, setting), usage };
}

/** Whether two limits agree: exactly, or for a CPU quota within a millisecond per second (rounding of the period). */
function sameLimit(setting: LimitSetting, x: number | null, y: number | null): boolean {
  if (x === null || y === null) return x === y;
  return setting === 'cpu.quota' ? Math.abs(x - y) <= 1000 : x === y;
}

/** A limit file written: does the cgroup read back the value written? */
function fileLimitCheck(e: LimitEffect, at: { id: string; path: string; file: string }, b: SnapshotIndex, a: SnapshotIndex): Check {
  const what = `${at.file} of cgroup ${at.path} set to ${describeLimit(e.setting, e.expected ?? null)}`;
  const after = a.cgroup(at.id);
  if (after === undefined) return { what, ok: null, detail: e.pids.length === 0 ? 'it has no processes, so procdoc did not read it again.' : 'it could not be read again.' };
  const now = limitIn(after, e.setting);
  if (now.value === undefined) return { what, ok: null, detail: `its ${at.file} could not be read again.` };
  const before = b.cgroup(at.id);
  const was = before === undefined ? undefined : cgroupLimit(before, e.setting);
  const since = was === undefined ? '' : ` (was ${describeLimit(e.setting, was)})`;
  const ok = sameLimit(e.setting, now.value, e.expected ?? null);
  return { what, ok, detail: `now ${describeLimit(e.setting, now.value)}${since}${now.usage}.${ok ? '' : ' The kernel did not take the value written.'}` };
}

/** A unit's limit as systemd words it: "infinity" for none. */
function systemdWord(setting: LimitSetting, value: number | null): string {
  return value === null ? 'infinity' : describeLimit(setting, value);
}

/**
 * systemctl set-property: does systemd record the value given, and does the kernel enforce
 * what systemd records on the cgroup of the unit's processes? systemd accepts a limit even
 * where it does not run the controller (a container whose v1 hierarchies are read-only),
 * and then nothing holds the unit to it.
 */
function unitLimitCheck(e: LimitEffect, name: string, a: SnapshotIndex): Check {
  const unit = a.unit(name);
  const label = (value: number | null | undefined) => (value === undefined ? 'the value given' : describeLimit(e.setting, value));
  const what = `${name} ${e.setting === 'cpu.quota' ? 'CPU quota' : e.setting} set to ${label(e.expected)}`;
  if (unit === undefined) return { what, ok: null, detail: 'systemd was not asked about the unit again.' };
  const record = unitLimit(unit, e.setting);
  if (record.value === undefined) return { what, ok: null, detail: `this snapshot does not hold the unit's ${record.property}.` };
  if (e.expected !== undefined && !sameLimit(e.setting, record.value, e.expected)) {
    return { what, ok: false, detail: `systemd records ${record.property}=${systemdWord(e.setting, record.value)}, not ${label(e.expected)}: the setting did not take.` };
  }
  const recorded = `systemd records ${record.property}=${systemdWord(e.setting, record.value)}`;
  const member = a.snapshot.processes.find((p) => p.owner.unit?.name === name && p.state !== 'Z');
  if (member === undefined) return { what, ok: null, detail: `${recorded}; the unit has no processes, so procdoc could not read the limit the kernel holds it to.` };
  const controller = controllerOf(e.setting);
  const cgroup = a.cgroupFor(member, controller);
  if (cgroup === undefined) return { what, ok: null, detail: `${recorded}; the ${controller} cgroup of its processes could not be read.` };
  const now = limitIn(cgroup, e.setting);
  if (now.value === undefined) return { what, ok: null, detail: `${recorded}; the ${e.setting} of its cgroup ${cgroup.path} could not be read.` };
  if (!ownCgroup(cgroup, name)) {
    return {
      what,
      ok: false,
      detail: `${recorded}, but the unit's processes are in ${cgroup.id}, not a ${controller} cgroup of its own: this systemd does not run the ${controller} controller for it (in a container whose cgroup hierarchies are read-only, say), so nothing enforces the limit.`,
    };
  }
  if (sameLimit(e.setting, now.value, record.value)) return { what, ok: true, detail: `${recorded}, and the kernel holds ${cgroup.id} to it${now.usage}.` };
  return { what, ok: false, detail: `${recorded}, but the kernel holds ${cgroup.id} to ${describeLimit(e.setting, now.value)}: the limit is not in force.` };
}

function unitCameBack(name: string, b: SnapshotIndex, a: SnapshotIndex): Check {
  const before = b.unit(name);
  const after = a.unit(name);
  // The snapshot lists the units that have processes and those the command names; one it
  // does not list has no process now: it has not come back (yet).
  if (!after) return { what: `${name} restarted`, ok: false, detail: 'no process of the unit is running now.' };
  const newMain = after.mainPid !== null && after.mainPid !== 0 && after.mainPid !== before?.mainPid;
  const active = after.activeState === 'active';
  const restarts = before?.nRestarts !== null && before?.nRestarts !== undefined && after.nRestarts !== null ? ` NRestarts ${before.nRestarts} → ${after.nRestarts}.` : '';
  return {
    what: `${name} restarted`,
    ok: newMain && active,
    detail: newMain
      ? `${name} is ${after.activeState ?? '?'} with a new main PID ${after.mainPid} (was ${before?.mainPid ?? 'none'}).${restarts}`
      : `${name} is ${after.activeState ?? '?'}/${after.subState ?? '?'}, main PID ${after.mainPid ?? 'none'} (unchanged).${restarts}`,
  };
}

/**
 * Effects that are whole once the command returns: limits written to cgroup files (the write
 * itself sets or refuses them), so reading them again later only delays the answer. Signals,
 * unit jobs, freezing and set-property (systemd applies it to the cgroup after it answers)
 * take time.
 */
export function immediate(effects: readonly Effect[]): boolean {
  return effects.every((e) => e.kind === 'limit' && e.unit === null);
}

/** Done waiting: every check has an answer, and none is still false. */
export function settled(checks: readonly Check[]): boolean {
  return checks.every((c) => c.ok !== false);
}
