import type { DraftFinding } from './finding.js';
import { ev, formatBytes, label, procSource, shortCommand } from './facts.js';
import type { Analyzer } from './types.js';

/**
 * Anonymous / private-dirty memory (resident set when those were not read) that grows in
 * every sample across the window: a leak suspect. One snapshot cannot say anything about
 * growth, so without a sampled window (diagnose --for) this analyzer stays silent.
 */
export const memoryGrowth: Analyzer = ({ snapshot, index, thresholds }) => {
  const series = snapshot.series;
  if (series.length < thresholds.growthMinPoints) return [];
  const first = series[0];
  const last = series[series.length - 1];
  if (first === undefined || last === undefined) return [];
  const windowMs = last.offsetMs - first.offsetMs;
  const findings: DraftFinding[] = [];
  const byPid = series.map((pt) => new Map(pt.processes.map((q) => [q.pid, q])));
  for (const start of first.processes) {
    if (start.pid === snapshot.self.pid) continue;
    const points = byPid.map((m) => {
      const q = m.get(start.pid);
      return q?.startTime === start.startTime ? q : undefined;
    });
    if (points.some((q) => q === undefined)) continue;
    const metric = points.every((q) => q?.anonymous != null) ? 'anonymous' : points.every((q) => q?.privateDirty != null) ? 'privateDirty' : 'rss';
    const values = points.map((q) => (q === undefined ? 0 : (q[metric] ?? 0)));
    const v0 = values[0] ?? 0;
    const vn = values[values.length - 1] ?? 0;
    const growth = vn - v0;
    if (growth < thresholds.growthMinBytes || (v0 > 0 && growth / v0 < thresholds.growthMinRatio)) continue;
    // A trend, not a step: never shrinks, and grows in most intervals.
    let ups = 0;
    let monotonic = true;
    for (let i = 1; i < values.length; i += 1) {
      const d = (values[i] ?? 0) - (values[i - 1] ?? 0);
      if (d < 0) monotonic = false;
      if (d > 0) ups += 1;
    }
    if (!monotonic || ups < Math.ceil((values.length - 1) / 2)) continue;
    const p = index.process(start.pid);
    const name = p ? label(p) : `PID ${start.pid}`;
    const perMinute = windowMs > 0 ? (growth / windowMs) * 60_000 : growth;
    const unit = p?.owner.unit?.name;
    const cgroup = p ? index.cgroupFor(p, 'memory') : undefined;
    const field = metric === 'anonymous' ? 'Anonymous' : metric === 'privateDirty' ? 'Private_Dirty' : 'VmRSS';
    const source = metric === 'rss' ? procSource(start.pid, 'stat') : procSource(start.pid, 'smaps_rollup');
    findings.push({
      code: 'memory-growth',
      severity: 'warning',
      title: `${name} grew by ${formatBytes(growth)} in ${Math.round(windowMs / 1000)} s (${formatBytes(perMinute)}/min)`,
      summary:
        `${name}${p ? ` "${shortCommand(p, 50)}"` : ''} grew its ${metric === 'rss' ? 'resident memory' : metric === 'anonymous' ? 'anonymous memory' : 'private dirty memory'} from ${formatBytes(v0)} to ${formatBytes(vn)} ` +
        `over ${series.length} samples in ${Math.round(windowMs / 1000)} s, and never shrank. Steady growth like this is what a leak looks like; ` +
        'watch it over a longer window before acting, and cap it so that a leak hits its own limit rather than the whole machine.',
      pids: [start.pid],
      culpritPid: start.pid,
      units: unit === undefined ? [] : [unit],
      cgroups: cgroup ? [cgroup.path] : [],
      evidence: [
        ev(source, `${field} at start`, v0),
        ev(source, `${field} at end`, vn),
        ev(source, 'samples', series.length),
        ev(source, 'window (ms)', Math.round(windowMs)),
      ],
      remediation:
        unit !== undefined
          ? [{ command: `systemctl set-property --runtime ${unit} MemoryHigh=${Math.ceil((vn * 1.5) / 2 ** 20)}M`, why: `Makes the kernel reclaim ${unit} hard past 1.5× today's size, so a leak slows down there instead of starving the host.` }]
          : [{ command: `kill -s TERM ${start.pid}`, why: 'If it is a leak and restarting is acceptable: SIGTERM lets it exit cleanly; run it again under systemd-run --scope -p MemoryMax= to bound it.' }],
    });
  }
  return findings;
};
