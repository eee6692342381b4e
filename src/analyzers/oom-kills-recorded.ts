import type { DraftFinding } from './finding.js';
import { cgroupSource, ev, formatBytes, isLimited, membersOf, plural, systemdSize, unitOfCgroup } from './facts.js';
import type { Analyzer } from './types.js';

/** The kernel OOM-killed processes in a cgroup (memory.events oom_kill, v1 memory.oom_control oom_kill). */
export const oomKillsRecorded: Analyzer = ({ snapshot, index }) => {
  const findings: DraftFinding[] = [];
  for (const cgroup of snapshot.cgroups) {
    const mem = cgroup.memory;
    if (mem === null) continue;
    const kills = mem.events?.oomKill ?? mem.oomControl?.oomKill ?? 0;
    if (kills <= 0) continue;
    // In v2 memory.events counts the cgroup and its descendants: report where it happened.
    const childHasSame = snapshot.cgroups.some(
      (c) => c.id !== cgroup.id && c.version === cgroup.version && c.path.startsWith(cgroup.path === '/' ? '/' : `${cgroup.path}/`) && c.id.split(':').slice(0, -1).join(':') === cgroup.id.split(':').slice(0, -1).join(':') && (c.memory?.events?.oomKill ?? c.memory?.oomControl?.oomKill ?? 0) >= kills,
    );
    if (childHasSame) continue;
    const members = membersOf(index, cgroup, 'memory');
    const unit = unitOfCgroup(snapshot, cgroup, members);
    const fromEvents = mem.events !== null && cgroup.version === 2;
    const source = cgroupSource(snapshot, cgroup, fromEvents ? 'memory.events' : 'memory.oom_control');
    const max = isLimited(mem.max) ? mem.max : null;
    findings.push({
      code: 'oom-kills-recorded',
      severity: 'warning',
      title: `${plural(kills, 'OOM kill')} recorded in cgroup ${cgroup.path}`,
      summary:
        `The kernel killed ${plural(kills, 'process', 'processes')} in ${cgroup.path}${unit !== undefined ? ` (${unit})` : ''} because the cgroup ran out of memory` +
        (max !== null ? ` (limit ${formatBytes(max)})` : '') +
        '. Whatever was killed lost its work without a chance to clean up. Either the limit is too low for the workload or something in it leaks; ' +
        (mem.current !== null ? `it uses ${formatBytes(mem.current)} now. ` : '') +
        'The kernel log (dmesg) names the victims.',
      pids: members.map((p) => p.pid),
      culpritPid: null,
      units: unit === undefined ? [] : [unit],
      cgroups: [cgroup.path],
      evidence: [
        ev(source, 'oom_kill', kills),
        ...(mem.events && cgroup.version === 2 ? [ev(source, 'max', mem.events.max), ev(source, 'oom', mem.events.oom)] : []),
        ...(max !== null ? [ev(cgroupSource(snapshot, cgroup, cgroup.version === 2 ? 'memory.max' : 'memory.limit_in_bytes'), cgroup.version === 2 ? 'memory.max' : 'memory.limit_in_bytes', max)] : []),
      ],
      remediation: [
        { command: 'dmesg --level=err,warn', why: 'Reads the kernel log: each OOM kill names the process and its memory at the time.' },
        ...(unit !== undefined && max !== null
          ? [{ command: `systemctl set-property ${unit} MemoryMax=${systemdSize(max * 1.5)}`, why: `Gives ${unit} half again as much memory, if the workload needs it rather than leaks it.` }]
          : []),
      ],
    });
  }
  return findings;
};
