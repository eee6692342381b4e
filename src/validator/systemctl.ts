import type { Process } from '../snapshot/schema.js';
import { add, alt, effect, readOnly, target, type Acc, type JudgeContext, type LimitSetting } from './acc.js';
import { describeLimit, ownCgroup, unitLimitSetting, unitLimitValue } from './limits.js';
import { SIGNAL, parseSignal, signalName } from './signals.js';
import { isSelf } from './targets.js';
import { each, type CommandTable } from './call.js';

const READ_VERBS = new Set([
  'status', 'show', 'cat', 'list-units', 'list-unit-files', 'list-timers', 'list-sockets', 'list-dependencies', 'list-jobs',
  'list-machines', 'list-paths', 'list-automounts', 'is-active', 'is-enabled', 'is-failed', 'is-system-running', 'help',
  'show-environment', 'get-default', 'whoami',
]);
const MACHINE_VERBS = new Set([
  'reboot', 'poweroff', 'halt', 'kexec', 'suspend', 'hibernate', 'hybrid-sleep', 'suspend-then-hibernate', 'emergency', 'rescue',
  'default', 'isolate', 'switch-root', 'exit', 'soft-reboot', 'sleep',
]);
const MANAGER_VERBS = new Set([
  'daemon-reload', 'daemon-reexec', 'set-environment', 'unset-environment', 'import-environment', 'set-default', 'preset-all',
  'log-level', 'log-target', 'service-log-level', 'service-log-target', 'service-watchdogs', 'reset-failed',
]);
const UNIT_VERBS = new Set([
  'start', 'stop', 'restart', 'try-restart', 'reload', 'reload-or-restart', 'try-reload-or-restart', 'condrestart', 'force-reload',
  'kill', 'reset-failed', 'enable', 'disable', 'reenable', 'mask', 'unmask', 'preset', 'edit', 'set-property', 'freeze', 'thaw',
  'clean', 'revert', 'link', 'add-wants', 'add-requires', 'bind', 'mount-image', 'condreload', 'condstop', 'reload-or-try-restart',
]);
/** Verbs whose first word after the verb is their one unit; the words after it are not units. */
const ONE_UNIT_VERBS = new Set(['set-property', 'bind', 'mount-image']);
/** Verbs that fail on a unit the service manager cannot load (mask, disable and friends work on a name alone). */
const NEEDS_LOADED = new Set([
  'start', 'stop', 'restart', 'try-restart', 'reload', 'reload-or-restart', 'try-reload-or-restart', 'condrestart', 'force-reload',
  'kill', 'freeze', 'thaw', 'clean', 'condreload', 'condstop', 'reload-or-try-restart', 'enable', 'reenable',
]);
/** Verbs that take a critical unit down, or change how it runs. */
const DISRUPTIVE = new Set([
  'stop', 'restart', 'try-restart', 'reload-or-restart', 'try-reload-or-restart', 'condrestart', 'kill', 'disable', 'mask',
  'freeze', 'edit', 'set-property', 'revert', 'clean', 'condstop', 'reload-or-try-restart',
]);
const VALUE_OPTS = new Set([
  '-H', '--host', '-M', '--machine', '-s', '--signal', '--kill-whom', '--kill-who', '-p', '--property', '-t', '--type', '--state',
  '-n', '--lines', '-o', '--output', '--job-mode', '--root', '--image', '--what', '--timestamp', '--preset-mode', '--boot-loader-entry',
  '--reboot-argument', '--drop-in', '--when', '--kill-value', '--message', '--image-policy', '--check-inhibitors',
]);

export function normalizeUnit(name: string): string {
  return /\.(service|socket|target|timer|mount|automount|swap|path|slice|scope|device)$/.test(name) ? name : `${name}.service`;
}

function globToRegExp(glob: string): RegExp {
  const body = glob.replace(/[.+^$()|\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.').replace(/\[!/g, '[^');
  return new RegExp(`^${body}$`);
}

/** systemctl: read-only verbs are allowed; unit actions are judged per unit. */
export function judgeSystemctl(args: readonly string[], ctx: JudgeContext, acc: Acc, via = 'systemctl'): void {
  let user = false;
  let remote: string | null = null;
  let signal: number = SIGNAL.TERM;
  let now = false;
  let runtime = false;
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const [opt, inline] = a.startsWith('--') && a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    if (opt === '--') {
      positional.push(...args.slice(i + 1));
      break;
    }
    if (VALUE_OPTS.has(opt) || /^-[HMstpno]$/.test(opt)) {
      const v = inline ?? args[++i] ?? '';
      if (opt === '-H' || opt === '--host' || opt === '-M' || opt === '--machine') remote = v;
      if (opt === '-s' || opt === '--signal') {
        const s = parseSignal(v);
        if (s === null) return void add(acc, 'unparseable', `systemctl: "${v}" is not a signal name or number.`);
        signal = s;
      }
      continue;
    }
    if (opt === '--user') user = true;
    else if (opt === '--now') now = true;
    else if (opt === '--runtime') runtime = true;
    else if (opt === '--version' || opt === '-h' || opt === '--help') return readOnly(acc, 'systemctl --version');
    else if (a.startsWith('-') && a.length > 1) continue;
    else positional.push(a);
  }
  const verb = positional[0] ?? 'list-units';
  // set-property takes one unit, then its assignments (MemoryMax=1G …); bind and mount-image one unit, then paths.
  const units = ONE_UNIT_VERBS.has(verb) ? positional.slice(1, 2) : positional.slice(1);
  const assignments = verb === 'set-property' ? positional.slice(2) : [];
  if (READ_VERBS.has(verb)) return readOnly(acc, `${via} ${verb}`);
  if (remote !== null) {
    add(acc, 'shell-indirection', `${via} ${verb} acts on ${remote}, another host or machine: this snapshot says nothing about it. Run procdoc check there.`);
    return;
  }
  if (MACHINE_VERBS.has(verb)) {
    add(acc, 'destructive', `${via} ${verb} changes the state of the whole ${user ? 'user session' : 'machine'} (every service and login goes with it). This is not a remediation for one process; do it deliberately, outside procdoc.`);
    return;
  }
  if (MANAGER_VERBS.has(verb) && units.length === 0) {
    add(acc, 'state-change', `${via} ${verb} changes the service manager itself${verb === 'daemon-reexec' ? ' (it re-executes PID 1)' : ''}.`);
    return;
  }
  if (!UNIT_VERBS.has(verb)) {
    add(acc, 'unknown-command', `${via} ${verb} is not a systemctl verb procdoc knows; check it by hand (systemctl --help).`);
    return;
  }
  if (units.length === 0) return void add(acc, 'unparseable', `${via} ${verb} needs a unit name.`);
  const notAssignment = assignments.find((a) => !/^[A-Za-z]+=/.test(a));
  if (verb === 'set-property' && (assignments.length === 0 || notAssignment !== undefined)) {
    return void add(acc, 'unparseable', `${via} set-property takes a unit and PROPERTY=VALUE assignments (e.g. MemoryMax=1G); "${notAssignment ?? ''}" is not one.`);
  }
  // service and /etc/init.d scripts work without systemd; systemctl does not.
  if (!user && via === 'systemctl' && ctx.idx.snapshot.host.initSystem === 'other') {
    // As for a PID that does not exist: the command would do nothing, so it is not a fix.
    const init = ctx.idx.process(1)?.comm ?? 'not systemd';
    add(
      acc,
      'target-not-found',
      `There is no systemd here: PID 1 is ${init}. ${via} ${verb} ${units.join(' ')} fails ("System has not been booted with systemd") and nothing ${outcome(verb)}. Use what manages the service here (its init script, supervisor or container runtime).`,
    );
    return;
  }
  const sc = user ? 'systemctl --user' : 'systemctl';
  const disruptive = DISRUPTIVE.has(verb) || (now && verb === 'disable');
  for (const raw of units) {
    const glob = /[*?[]/.test(raw);
    const name = glob ? raw : normalizeUnit(raw);
    const matchUnit = glob ? globToRegExp(raw) : null;
    const critical = ctx.criticalUnits.filter((u) => (matchUnit ? matchUnit.test(u) : u === name));
    if (glob) {
      const known = ctx.idx.snapshot.units.filter((u) => matchUnit!.test(u.name)).map((u) => u.name);
      add(acc, 'broad-match', `${via} ${verb} '${raw}' is a pattern: it acts on every matching unit${known.length > 0 ? ` (${known.slice(0, 8).join(', ')}${known.length > 8 ? ', …' : ''})` : ''}. Name the units.`);
    }
    if (critical.length > 0 && disruptive) {
      add(
        acc,
        'critical-unit-action',
        `${critical.join(', ')} ${critical.length > 1 ? 'are' : 'is'} critical (logins, logging, the message bus or the container runtime); ${verb} can cut off access to the machine or take other services down. Read its logs first (journalctl -u ${critical[0]}); if it must be restarted, do it from a console with care.`,
      );
      continue;
    }
    const members = ctx.idx.snapshot.processes.filter((p) => p.owner.unit?.name === name || (matchUnit !== null && p.owner.unit !== null && matchUnit.test(p.owner.unit.name)));
    for (const p of members.slice(0, 20)) target(acc, p);
    if (disruptive || verb === 'start' || verb === 'reload') {
      const selfIn = members.filter((p) => isSelf(p, ctx) !== null);
      if (selfIn.length > 0 && verb !== 'reload' && verb !== 'start') {
        add(acc, 'target-self', `${name} contains ${selfIn.map((p) => `PID ${p.pid} (${p.comm})`).join(', ')}, procdoc or the shell that asked; ${verb} would end the caller's own session.`);
        continue;
      }
    }
    const unit = ctx.idx.unit(name);
    if (!glob && unit?.loadState === 'not-found' && NEEDS_LOADED.has(verb)) {
      add(
        acc,
        'target-not-found',
        `systemd knows no unit ${name}: \`${via} ${verb} ${raw}\` fails and nothing ${outcome(verb)}. Check the name with \`${sc} list-units --all '${name.replace(/\.[a-z]+$/, '')}*'\` or \`${sc} list-unit-files\`.`,
      );
      continue;
    }
    if (!glob) effect(acc, { kind: 'unit', unit: name, manager: user ? 'user' : 'system', verb: verb === 'kill' ? `kill:${signal}` : verb });
    if (verb === 'kill') {
      if (signal === SIGNAL.KILL) {
        add(acc, 'sigkill-before-sigterm', `${via} kill -s KILL ${name} skips the service's cleanup${unit?.restart && unit.restart !== 'no' ? `; with Restart=${unit.restart} systemd starts it again` : ''}. Use \`${sc} restart ${name}\` or \`${sc} stop ${name}\`, which send SIGTERM first.`);
        alt(acc, `${sc} restart ${name}`);
      } else {
        add(acc, 'signal-to-managed-unit', `Sends ${signalName(signal)} to the processes of ${name} through the service manager.`);
      }
      continue;
    }
    const seen =
      unit?.loadState === 'not-found'
        ? ' (the service manager knows no such unit: it will refuse)'
        : unit
          ? ` (now ${unit.activeState ?? '?'}/${unit.subState ?? '?'}${unit.mainPid ? `, main PID ${unit.mainPid}` : ''})`
          : ctx.idx.snapshot.units.length > 0
            ? ' (not seen in the snapshot)'
            : '';
    if (verb === 'set-property') {
      const limits = limitsSet(assignments, ctx);
      add(acc, 'state-change', `${via} set-property ${name}${seen}: the service manager sets ${assignments.join(' ')} on the unit and its cgroup at once, ${runtime ? 'until the next reboot (--runtime)' : 'and keeps it across reboots (a drop-in file under /etc/systemd/system.control)'}.${overUsage(name, limits, members, ctx)}`);
      if (!glob) for (const { setting, expected } of limits) effect(acc, { kind: 'limit', setting, expected, cgroup: null, unit: name, pids: members.map((p) => p.pid) });
      continue;
    }
    add(acc, 'state-change', `${via} ${verb} ${name}${seen}: the service manager ${verbPhrase(verb)}.`);
  }
}

/** A limit among set-property assignments: its text, the setting, and the value it sets (limits.ts). */
interface AssignedLimit {
  text: string;
  setting: LimitSetting;
  expected: number | null | undefined;
}

/** The limits among set-property assignments (MemoryMax=1G …). */
function limitsSet(assignments: readonly string[], ctx: JudgeContext): AssignedLimit[] {
  return assignments.flatMap((text) => {
    const eq = text.indexOf('=');
    const setting = unitLimitSetting(text.slice(0, eq));
    return setting === undefined ? [] : [{ text, setting, expected: unitLimitValue(setting, text.slice(eq + 1), ctx.idx.snapshot.host) }];
  });
}

/** A memory limit below what the unit uses now: the kernel reclaims, then OOM-kills, at once. */
function overUsage(unit: string, limits: readonly AssignedLimit[], members: readonly Process[], ctx: JudgeContext): string {
  const cgroup = members[0] === undefined ? undefined : ctx.idx.cgroupFor(members[0], 'memory');
  // Only the unit's own cgroup: one it merely sits in (a root systemd does not run) holds others' memory too.
  const current = cgroup !== undefined && ownCgroup(cgroup, unit) ? (cgroup.memory?.current ?? null) : null;
  if (current === null) return '';
  const under = limits.find(({ setting, expected }) => (setting === 'memory.max' || setting === 'memory.high') && typeof expected === 'number' && expected < current);
  if (under === undefined) return '';
  return ` The unit uses ${describeLimit(under.setting, current)} now, more than ${under.text}: the kernel reclaims its memory at once${under.setting === 'memory.max' ? ' and OOM-kills in it if that is not enough' : ' and throttles it'}.`;
}

/** What does not happen when the verb fails. */
function outcome(verb: string): string {
  return verb.includes('restart') ? 'restarts' : verb === 'start' ? 'starts' : 'changes';
}

function verbPhrase(verb: string): string {
  switch (verb) {
    case 'restart':
    case 'try-restart':
    case 'reload-or-restart':
    case 'try-reload-or-restart':
    case 'condrestart':
      return 'stops the unit (SIGTERM, then SIGKILL after its timeout) and starts it again';
    case 'stop':
    case 'condstop':
      return 'stops the unit and it stays down until started';
    case 'reload':
    case 'force-reload':
      return 'asks the unit to reload its configuration';
    case 'start':
      return 'starts the unit';
    case 'disable':
    case 'mask':
      return 'keeps the unit from starting (at boot or at all)';
    default:
      return `runs "${verb}" on the unit`;
  }
}

/** service NAME VERB and /etc/init.d/NAME VERB. */
export function judgeService(args: readonly string[], ctx: JudgeContext, acc: Acc, via: string): void {
  const rest = args.filter((a) => !a.startsWith('-'));
  if (args.includes('--status-all')) return readOnly(acc, 'service --status-all');
  const [name, verb] = via === 'service' ? [rest[0], rest[1]] : [via.split('/').pop(), rest[0]];
  if (name === undefined || verb === undefined) return void add(acc, 'unparseable', `${via}: give a service name and an action (status, restart, …).`);
  judgeSystemctl([verb === 'force-reload' ? 'reload' : verb, name], ctx, acc, via === 'service' ? 'service' : via);
}

/** The services family: systemctl, and the SysV service wrappers that end up in it. */
export const SERVICE_COMMANDS: CommandTable = {
  systemctl: ({ args, ctx, acc }) => judgeSystemctl(args, ctx, acc),
  ...each(['service', 'invoke-rc.d'], ({ args, ctx, acc }) => judgeService(args, ctx, acc, 'service')),
};
