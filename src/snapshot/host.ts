import { hostname as osHostname } from 'node:os';
import { join } from 'node:path';
import type { Host, Pressure } from './schema.js';
import type { CgroupLayout } from './cgroups.js';
import { parseMeminfo } from './cgroups.js';
import { parsePsi } from './parse.js';
import type { FsReader } from './read.js';

/** System-wide PSI from PROC/pressure, or null on kernels without it. */
export function readHostPressure(reader: FsReader, procRoot: string): Pressure | null {
  const read = (name: string) => {
    const text = reader.text(join(procRoot, 'pressure', name), undefined, true);
    return text === null ? null : parsePsi(text);
  };
  const pressure = { cpu: read('cpu'), memory: read('memory'), io: read('io') };
  return pressure.cpu === null && pressure.memory === null && pressure.io === null ? null : pressure;
}

/** Counts CPUs in a kernel list like "0-3,8-11". */
export function countCpuList(list: string): number {
  let n = 0;
  for (const part of list.trim().split(',')) {
    if (part === '') continue;
    const [a, b] = part.split('-').map(Number);
    n += b === undefined ? 1 : b - (a ?? 0) + 1;
  }
  return n;
}

export function readHost(
  reader: FsReader,
  options: { procRoot: string; sysRoot: string; layout: CgroupLayout; initComm: string | null },
): Host {
  const { procRoot, sysRoot, layout } = options;
  const live = procRoot === '/proc';
  const sys = (p: string) => reader.text(join(procRoot, 'sys', p), undefined, true)?.trim() ?? null;
  const stat = reader.text(join(procRoot, 'stat')) ?? '';
  const btime = Number(/^btime (\d+)/m.exec(stat)?.[1] ?? 0);
  const cpusOnline = reader.text(join(sysRoot, 'devices/system/cpu/online'), undefined, true)?.trim() ?? null;
  const cpuLines = (stat.match(/^cpu\d+ /gm) ?? []).length;
  const nodes = reader.text(join(sysRoot, 'devices/system/node/online'), undefined, true)?.trim() ?? null;
  const load = (reader.text(join(procRoot, 'loadavg')) ?? '0 0 0').split(' ').map(Number);
  const uid = process.getuid?.() ?? -1;
  const v1Mounts: Record<string, string> = {};
  for (const [key, dir] of layout.v1Dirs) v1Mounts[key] = dir;
  return {
    hostname: sys('kernel/hostname') ?? (live ? osHostname() : 'unknown'),
    kernel: sys('kernel/osrelease') ?? 'unknown',
    kernelVersion: sys('kernel/version') ?? 'unknown',
    arch: sys('kernel/arch') ?? (live ? process.arch : 'unknown'),
    bootTime: new Date(btime * 1000).toISOString(),
    bootTimeEpoch: btime,
    // USER_HZ is 100 on every architecture Linux exports to user space in /proc.
    clockTicks: 100,
    pageSize: 4096,
    cpus: cpusOnline !== null ? countCpuList(cpusOnline) : Math.max(1, cpuLines),
    cpusOnline: cpusOnline ?? (cpuLines > 0 ? `0-${cpuLines - 1}` : '0'),
    numaNodes: nodes === null ? 1 : countCpuList(nodes),
    meminfo: parseMeminfo(reader.text(join(procRoot, 'meminfo')) ?? ''),
    loadavg: [load[0] ?? 0, load[1] ?? 0, load[2] ?? 0],
    pressure: readHostPressure(reader, procRoot),
    cgroupMode: layout.mode,
    cgroupV2Mount: layout.v2Dir,
    cgroupV1Mounts: v1Mounts,
    root: uid === 0,
    uid,
    initSystem: options.initComm === null ? 'unknown' : options.initComm === 'systemd' ? 'systemd' : 'other',
    procRoot,
    sysRoot,
  };
}
