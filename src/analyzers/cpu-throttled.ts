import type { DraftFinding, ProposedRemediation } from './finding.js';
import { cgroupFileName, cgroupSource, ev, label, membersOf, percent, unitOfCgroup } from './facts.js';
import type { Analyzer } from './types.js';

/**
 * A cgroup throttled by its CFS quota. CPU is shown against the quota: "400% of host" in a
 * 4-CPU quota is "100% of the quota". Only throttling during the sample is a warning; the
 * cumulative counters alone are history.
 */
export const cpuThrottled: Analyzer = ({ snapshot, index, thresholds }) => {
  const findings: DraftFinding[] = [];
  for (const cgroup of snapshot.cgroups) {
    const cpu = cgroup.cpu;
    if (cpu === null || cpu.quotaUs === null || cpu.quotaUs <= 0 || cpu.periodUs === null || cpu.periodUs <= 0) continue;
    const quotaCpus = cpu.quotaUs / cpu.periodUs;
    const sample = cpu.sample;
    const sampledRatio = sample && sample.periods > 0 ? sample.throttledPeriods / sample.periods : null;
    const totalRatio = cpu.nrPeriods && cpu.nrThrottled !== null ? cpu.nrThrottled / cpu.nrPeriods : null;
    let severity: DraftFinding['severity'];
    if (sampledRatio !== null) {
      if (sampledRatio < thresholds.throttledPeriodsRatio) continue;
      severity = 'warning';
    } else {
      if (totalRatio === null || totalRatio < thresholds.throttledPeriodsRatio) continue;
      severity = 'info';
    }
    const members = membersOf(index, cgroup, 'cpu');
    const unit = unitOfCgroup(snapshot, cgroup, members);
    const quotaText = `${Number(quotaCpus.toFixed(2))}-CPU quota`;
    const busy = [...members].filter((p) => p.cpu !== null).sort((a, b) => (b.cpu?.percent ?? 0) - (a.cpu?.percent ?? 0));
    const usage = sample
      ? ` It used ${percent(sample.percent)} of one host CPU, which is ${percent(sample.quotaPercent ?? (sample.percent / (quotaCpus * 100)) * 100)} of its ${quotaText}.`
      : '';
    const quotaFile = cgroupSource(snapshot, cgroup, cgroupFileName(cgroup, 'cpu.max'));
    const newQuotaPercent = Math.ceil(quotaCpus * 2 * 100);
    const remediation: ProposedRemediation[] =
      unit !== undefined
        ? [{ command: `systemctl set-property ${unit} CPUQuota=${newQuotaPercent}%`, why: `Doubles ${unit}'s CPU quota through systemd, if the work deserves more CPU than ${quotaText}.` }]
        : [
            {
              command:
                cgroup.version === 2
                  ? `echo '${cpu.quotaUs * 2} ${cpu.periodUs}' | tee ${quotaFile}`
                  : `echo ${cpu.quotaUs * 2} | tee ${quotaFile}`,
              why: `Doubles the quota of ${cgroup.path}, if the work deserves more CPU; whoever created the cgroup may set it back.`,
            },
          ];
    findings.push({
      code: 'cpu-throttled',
      severity,
      title: `cgroup ${cgroup.path} throttled by its ${quotaText}`,
      summary:
        `The processes in ${cgroup.path}${unit !== undefined ? ` (${unit})` : ''} are limited to a ${quotaText} (${cpu.quotaUs} µs per ${cpu.periodUs} µs period) and hit that limit in ` +
        (sampledRatio !== null ? `${percent(sampledRatio * 100)} of the periods during the sample` : `${percent((totalRatio ?? 0) * 100)} of all periods so far (history; no sample was taken)`) +
        `.${usage} They are slow because of the quota, not because the host is busy` +
        (busy[0] ? `; the busiest is ${label(busy[0])}.` : '.'),
      pids: members.map((p) => p.pid),
      culpritPid: null,
      units: unit === undefined ? [] : [unit],
      cgroups: [cgroup.path],
      evidence: [
        ev(quotaFile, cgroup.version === 2 ? 'cpu.max' : 'cpu.cfs_quota_us', cgroup.version === 2 ? `${cpu.quotaUs} ${cpu.periodUs}` : cpu.quotaUs),
        ...(cgroup.version === 1 ? [ev(cgroupSource(snapshot, cgroup, 'cpu.cfs_period_us'), 'cpu.cfs_period_us', cpu.periodUs)] : []),
        ev(cgroupSource(snapshot, cgroup, 'cpu.stat'), sample ? 'nr_throttled during sample' : 'nr_throttled', sample ? sample.throttledPeriods : cpu.nrThrottled),
        ev(cgroupSource(snapshot, cgroup, 'cpu.stat'), sample ? 'nr_periods during sample' : 'nr_periods', sample ? sample.periods : cpu.nrPeriods),
      ],
      remediation,
    });
  }
  return findings;
};
