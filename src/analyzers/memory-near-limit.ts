import type { DraftFinding, ProposedRemediation } from './finding.js';
import { cgroupFileName, cgroupSource, ev, formatBytes, isLimited, label, membersOf, percent, systemdSize, unitOfCgroup } from './facts.js';
import type { Analyzer } from './types.js';

/**
 * A cgroup near its memory limit (memory.max / limit_in_bytes) or past memory.high. Page
 * cache counts in memory.current but is reclaimed first, so the ratio uses anonymous
 * memory when the snapshot has it: a cgroup full of cache is not in trouble.
 */
export const memoryNearLimit: Analyzer = ({ snapshot, index, thresholds }) => {
  const findings: DraftFinding[] = [];
  for (const cgroup of snapshot.cgroups) {
    const mem = cgroup.memory;
    if (mem === null || mem.current === null) continue;
    const max = isLimited(mem.max) ? mem.max : null;
    const high = cgroup.version === 2 && isLimited(mem.high) ? mem.high : null;
    const used = mem.anon !== null ? Math.min(mem.anon, mem.current) : mem.current;
    const ratio = max !== null ? used / max : 0;
    const overHigh = high !== null && mem.current > high;
    const underOom = mem.oomControl?.underOom === true;
    if (ratio < thresholds.memoryNearRatio && !overHigh && !underOom) continue;
    const severity = ratio >= thresholds.memoryCriticalRatio || underOom ? 'critical' : 'warning';
    const nearMax = max !== null && (ratio >= thresholds.memoryNearRatio || !overHigh);
    const members = membersOf(index, cgroup, 'memory');
    const unit = unitOfCgroup(snapshot, cgroup, members);
    const biggest = [...members].sort((a, b) => b.rss - a.rss)[0];
    const limitFile = cgroupSource(snapshot, cgroup, cgroupFileName(cgroup, 'memory.max'));
    const remediation: ProposedRemediation[] = [];
    const target = max ?? high ?? mem.current;
    if (unit !== undefined) {
      remediation.push({
        command: `systemctl set-property ${unit} MemoryMax=${systemdSize(target * 1.5)}`,
        why: `Raises ${unit}'s limit by half through systemd, if the workload really needs it; otherwise find what grows.`,
      });
      remediation.push({ command: `systemctl restart ${unit}`, why: 'Frees the memory by restarting the service through its manager (a leak comes back, but later).' });
    } else {
      if (max !== null) {
        remediation.push({
          command: `echo ${Math.ceil((max * 1.5) / 4096) * 4096} | tee ${limitFile}`,
          why: `Raises the limit of ${cgroup.path} by half, if the workload really needs it; the owner of the cgroup may set it back.`,
        });
      }
      if (biggest) remediation.push({ command: `kill -s TERM ${biggest.pid}`, why: `Stops the largest process, ${label(biggest)} (${formatBytes(biggest.rss)} resident), cleanly before the kernel OOM-kills something at random.` });
    }
    const what = mem.anon !== null ? 'anonymous memory' : 'memory (page cache included)';
    findings.push({
      code: 'memory-near-limit',
      severity,
      title: nearMax
        ? `cgroup ${cgroup.path} at ${percent(ratio * 100)} of its ${formatBytes(max ?? 0)} memory limit`
        : `cgroup ${cgroup.path} is past memory.high (${formatBytes(high ?? 0)})`,
      summary:
        (nearMax
          ? `The processes in ${cgroup.path}${unit !== undefined ? ` (${unit})` : ''} use ${formatBytes(used)} of ${what} against a limit of ${formatBytes(max ?? 0)} set on that cgroup (the host's RAM does not matter here). `
          : `${cgroup.path} uses ${formatBytes(mem.current)}, above its memory.high of ${formatBytes(high ?? 0)}, so the kernel throttles and reclaims it hard. `) +
        (underOom ? 'The cgroup is under OOM right now: its processes are stalled waiting for memory. ' : 'When the limit is reached the kernel reclaims, then OOM-kills a process in the cgroup. ') +
        (biggest ? `The largest is ${label(biggest)} with ${formatBytes(biggest.rss)} resident.` : ''),
      pids: members.map((p) => p.pid),
      culpritPid: biggest?.pid ?? null,
      units: unit === undefined ? [] : [unit],
      cgroups: [cgroup.path],
      evidence: [
        ev(cgroupSource(snapshot, cgroup, cgroupFileName(cgroup, 'memory.current')), cgroup.version === 2 ? 'memory.current' : 'memory.usage_in_bytes', mem.current),
        ...(mem.anon !== null ? [ev(cgroupSource(snapshot, cgroup, 'memory.stat'), cgroup.version === 2 ? 'anon' : 'rss', mem.anon)] : []),
        ...(max !== null ? [ev(limitFile, cgroup.version === 2 ? 'memory.max' : 'memory.limit_in_bytes', max)] : []),
        ...(high !== null ? [ev(cgroupSource(snapshot, cgroup, 'memory.high'), 'memory.high', high)] : []),
        ...(mem.oomControl ? [ev(cgroupSource(snapshot, cgroup, 'memory.oom_control'), 'under_oom', mem.oomControl.underOom)] : []),
      ],
      remediation,
    });
  }
  return findings;
};
