import { accessSync, constants, existsSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Command, Option } from 'commander';
import { ProcdocError } from '../../errors.js';
import type { Snapshot } from '../../snapshot/schema.js';
import { printable } from '../../snapshot/query.js';
import { collectPids, parseDuration } from '../args.js';
import { pidNotFound } from '../missing.js';
import type { CommandContext } from '../context.js';
import { paint, useColor } from '../io.js';

interface SnapshotFlags {
  deep?: boolean;
  pid?: number[];
  sample: number;
  output?: string;
  json?: boolean;
}

export function snapshotCommand(ctx: CommandContext): Command {
  return new Command('snapshot')
    .description("read the kernel's view of every process, cgroup and unit into one JSON document")
    .option('--deep', 'read fds, smaps_rollup, stack, io and limits of every process (not only those that matter)')
    .option('--pid <pid...>', 'always read the deep tier of these processes (repeat or comma-separate)', (v: string, prev: number[] | undefined) =>
      collectPids(v, prev),
    )
    .addOption(new Option('--sample <ms>', 'sample twice this far apart for CPU% and progress (0: one reading)').default(300).argParser(parseDuration))
    .option('-o, --output <file>', 'write the snapshot JSON to FILE (for `--from FILE` later, or on another machine)')
    .option('--json', 'print the snapshot JSON on stdout')
    .addHelpText(
      'after',
      `
Examples:
  procdoc snapshot                          summary of this host
  procdoc snapshot --json > host.json       the whole snapshot as JSON
  procdoc snapshot --deep -o host.json      every process with fds, memory maps, stacks
  procdoc snapshot --pid 4711 --json        deep data for 4711 and its process group
  procdoc --proc-root /host/proc --sys-root /host/sys snapshot   a host's /proc seen from a container`,
    )
    .action(async (flags: SnapshotFlags) => {
      const globals = ctx.globals();
      // `-o -` is standard output, as for most tools; any other path is checked before the
      // snapshot is taken, not found unwritable after a second of reading.
      const toStdout = flags.output === '-';
      const output = toStdout ? undefined : flags.output;
      if (output !== undefined) assertWritable(output);
      const { takeSnapshot } = await import('../../snapshot/take.js');
      const live = globals.procRoot === '/proc';
      const snapshot = await takeSnapshot({
        procRoot: globals.procRoot,
        sysRoot: globals.sysRoot,
        deep: flags.deep === true,
        deepPids: flags.pid ?? [],
        sampleMs: live ? flags.sample : 0,
        serviceManager: live,
      });
      for (const pid of flags.pid ?? []) {
        if (!snapshot.processes.some((p) => p.pid === pid)) {
          throw await pidNotFound(pid, `in ${globals.procRoot}`, 'It may have exited; list processes with `procdoc snapshot` or `ps -e`.', globals.procRoot);
        }
      }
      const json = JSON.stringify(snapshot);
      if (output !== undefined) {
        try {
          writeFileSync(output, `${json}\n`);
        } catch (error) {
          throw cannotWrite(output, error);
        }
      }
      if (flags.json === true || toStdout) ctx.io.stdout(`${json}\n`);
      else ctx.io.stdout(renderSummary(snapshot, useColor(ctx.io, globals.color), output));
    });
}

const WRITE_ERRORS: Record<string, string> = {
  ENOENT: 'its directory does not exist',
  ENOTDIR: 'part of its path is not a directory',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'it is a directory',
  EROFS: 'the file system is read-only',
  ENOSPC: 'no space left on the device',
  EIO: 'the file refused the write (an I/O error)',
};

function cannotWrite(path: string, error: unknown): ProcdocError {
  const code = (error as NodeJS.ErrnoException).code ?? String(error);
  return new ProcdocError('usage', `Cannot write ${path}: ${WRITE_ERRORS[code] ?? code}.`, {
    hint: 'Choose a path in a directory you can write to, or -o - for standard output.',
  });
}

/** Throws cannotWrite() unless `path` can be written: an existing writable file, or a new one in a writable directory. */
function assertWritable(path: string): void {
  try {
    if (existsSync(path)) {
      if (statSync(path).isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
      accessSync(path, constants.W_OK);
    } else accessSync(dirname(resolve(path)), constants.W_OK);
  } catch (error) {
    throw cannotWrite(path, error);
  }
}

function mib(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(bytes < 10 * 2 ** 20 ? 1 : 0)} MiB`;
}

/** A short text view: host, states, top consumers, what could not be read. */
export function renderSummary(s: Snapshot, color: boolean, savedTo: string | undefined): string {
  const c = paint(color);
  const h = s.host;
  const lines: string[] = [];
  lines.push(
    `${c.bold(h.hostname)}  kernel ${h.kernel}  ${h.cpus} CPUs  ${mib(h.meminfo.MemTotal ?? 0)} RAM  cgroups ${h.cgroupMode}  load ${h.loadavg.join(' ')}`,
  );
  const states = new Map<string, number>();
  for (const p of s.processes) states.set(p.state, (states.get(p.state) ?? 0) + 1);
  const stateText = [...states].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k}:${v}`).join(' ');
  lines.push(`${s.processes.length} processes (${stateText}), ${s.cgroups.length} cgroups, ${s.units.length} units, read in ${s.durationMs} ms`);
  if (h.pressure?.cpu || h.pressure?.memory || h.pressure?.io) {
    const psi = (name: string, v: { some: { avg10: number } } | null) => (v ? `${name} ${v.some.avg10}%` : null);
    lines.push(`pressure (some, avg10): ${[psi('cpu', h.pressure.cpu), psi('memory', h.pressure.memory), psi('io', h.pressure.io)].filter(Boolean).join('  ')}`);
  }
  // procdoc itself, busy reading /proc as it is listed, is no consumer the reader is looking for.
  const user = s.processes.filter((p) => !p.kernelThread && p.pid !== s.self.pid);
  const row = (p: Snapshot['processes'][number]) =>
    `  ${String(p.pid).padStart(7)} ${p.state} ${(p.cpu ? `${p.cpu.percent}%` : '-').padStart(6)} ${mib(p.rss).padStart(9)}  ${(p.user ?? String(p.uid)).slice(0, 10).padEnd(10)} ${(p.owner.unit?.name ?? p.owner.container?.runtime ?? '').slice(0, 24).padEnd(24)} ${printable(p.argv.join(' ') || `[${p.comm}]`).slice(0, 60)}`;
  const header = `  ${'PID'.padStart(7)} S ${'CPU'.padStart(6)} ${'RSS'.padStart(9)}  ${'USER'.padEnd(10)} ${'OWNER'.padEnd(24)} COMMAND`;
  if (s.processes.some((p) => p.cpu !== null)) {
    lines.push('', c.bold('Top CPU'), c.dim(header));
    for (const p of [...user].sort((a, b) => (b.cpu?.percent ?? 0) - (a.cpu?.percent ?? 0)).slice(0, 5)) lines.push(row(p));
  }
  lines.push('', c.bold('Top memory'), c.dim(header));
  for (const p of [...user].sort((a, b) => b.rss - a.rss).slice(0, 5)) lines.push(row(p));
  const odd = s.processes.filter((p) => p.state === 'Z' || p.state === 'D' || p.state === 'T' || p.state === 't');
  if (odd.length > 0) {
    lines.push('', c.bold('Zombie, stopped or uninterruptible'), c.dim(header));
    for (const p of odd.slice(0, 10)) lines.push(row(p));
    if (odd.length > 10) lines.push(`  …and ${odd.length - 10} more`);
  }
  if (s.errors.length > 0) {
    lines.push('', c.yellow(`Could not read ${s.errors.length} thing(s), e.g. ${s.errors[0]!.path}: ${s.errors[0]!.message}`));
  }
  lines.push('', savedTo !== undefined ? `Saved to ${savedTo}.` : c.dim('Full data: procdoc snapshot --json, or -o FILE to save it; procdoc diagnose to find what is wrong.'));
  return `${lines.join('\n')}\n`;
}
