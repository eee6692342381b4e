import { indexSnapshot, printable } from '../snapshot/query.js';
import type { Snapshot } from '../snapshot/schema.js';
import type { Effect } from '../validator/acc.js';
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
    } else if (e.kind === 'freezer') {
      // Reading its processes reads their cgroups, this one among them.
      for (const pid of e.pids) pids.add(pid);
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
function freezerCheck(e: Extract<Effect, { kind: 'freezer' }>, a: ReturnType<typeof indexSnapshot>): Check {
  const what = `cgroup ${e.path} ${e.freeze ? 'frozen' : 'thawed'}`;
  const after = a.cgroup(e.cgroup)?.freezer ?? null;
  if (after === null) return { what, ok: null, detail: e.pids.length === 0 ? 'it has no processes, so procdoc did not read it again.' : 'its state could not be read again.' };
  const members = e.pids.flatMap((pid) => a.process(pid) ?? []);
  const states = members.length > 0 ? ` Its processes: ${members.slice(0, 4).map((p) => `${p.pid} ${p.state}`).join(', ')}${members.length > 4 ? ', …' : ''}.` : '';
  if (e.freeze) return { what, ok: after.state === 'FROZEN' ? true : after.state === 'FREEZING' ? null : false, detail: `now ${after.state}.${states}` };
  const ancestor = after.state !== 'THAWED' && after.self === false ? ' An ancestor cgroup still holds it frozen.' : '';
  return { what, ok: after.state === 'THAWED', detail: `now ${after.state}.${ancestor}${states}` };
}

function unitCameBack(name: string, b: ReturnType<typeof indexSnapshot>, a: ReturnType<typeof indexSnapshot>): Check {
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

/** Done waiting: every check has an answer, and none is still false. */
export function settled(checks: readonly Check[]): boolean {
  return checks.every((c) => c.ok !== false);
}
