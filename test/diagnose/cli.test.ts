import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DiagnoseJsonSchema, type DiagnoseJson } from '../../src/analyzers/contract.js';
import { main } from '../../src/cli/main.js';
import { memoryIo } from '../../src/cli/testing.js';
import { takeSnapshot } from '../../src/snapshot/take.js';

const ROOT = join(import.meta.dirname, '../..');
const HOST = join(ROOT, 'fixtures/hosts/v2-host');
const FIXTURE = ['--proc-root', join(HOST, 'proc'), '--sys-root', join(HOST, 'sys')];

interface Run {
  code: number;
  out: string;
  err: string;
}

async function run(argv: string[], options: { tty?: boolean; env?: NodeJS.ProcessEnv } = {}): Promise<Run> {
  const io = memoryIo({ tty: options.tty ?? false, env: options.env ?? {} });
  const code = await main(argv, io);
  return { code, out: io.out, err: io.err };
}

function json(r: Run): DiagnoseJson {
  const data: unknown = JSON.parse(r.out);
  return DiagnoseJsonSchema.parse(data);
}

let scratch: string;
beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'procdoc-diagnose-'));
});
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

describe('procdoc diagnose on a cgroup v2 host fixture', () => {
  it('reads memory.events OOM kills, per-cgroup PSI and a container init, and exits 2 for critical', async () => {
    const r = await run([...FIXTURE, 'diagnose', '--json']);
    expect(r.code).toBe(2);
    const report = json(r);
    expect(Object.keys(report)).toEqual(['schemaVersion', 'host', 'findings']);
    expect(report.host).toEqual({ hostname: 'web-01', kernel: '6.8.0-45-generic', cgroupMode: 'v2', root: expect.any(Boolean) as boolean });
    const byCode = (code: string) => report.findings.filter((f) => f.code === code);
    expect(byCode('oom-kills-recorded')[0]).toMatchObject({ units: ['nginx.service'], cgroups: ['/system.slice/nginx.service'] });
    expect(byCode('oom-kills-recorded')[0]?.evidence[0]).toMatchObject({ field: 'oom_kill', value: 2 });
    expect(byCode('pressure-stall').map((f) => f.cgroups[0] ?? 'host')).toContain('/system.slice/nginx.service');
    expect(byCode('pid1-without-handler')[0]).toMatchObject({ culpritPid: 901, severity: 'warning' });
    expect(byCode('cpu-throttled')[0]?.title).toMatch(/0\.5-CPU quota/);
    // Every source is a file of the tree read, processes' as well as cgroups' and the host's.
    const sources = report.findings.flatMap((f) => f.evidence.map((e) => e.source));
    expect(sources).toContain(join(HOST, 'proc/901/status'));
    expect(sources.filter((s) => !s.startsWith(`${HOST}/`) && !s.startsWith('systemctl '))).toEqual([]);
    for (const f of report.findings) for (const r2 of f.remediation) expect(['allow', 'confirm', 'deny']).toContain(r2.verdict.decision);
    expect(report.findings.map((f) => f.severity)).toEqual([...report.findings.map((f) => f.severity)].sort((a, b) => ['critical', 'warning', 'info'].indexOf(a) - ['critical', 'warning', 'info'].indexOf(b)));
  });

  it('--pid focuses on one process, its group and its owner', async () => {
    const r = await run([...FIXTURE, 'diagnose', '--json', '--pid', '902']);
    const codes = json(r).findings.map((f) => f.code);
    expect(codes).toContain('pid1-without-handler');
    expect(codes).not.toContain('oom-kills-recorded');
    expect(r.code).toBe(1);
  });

  it('analyzes a saved snapshot with --from, the same as the live tree', async () => {
    const snapshot = await takeSnapshot({ procRoot: join(HOST, 'proc'), sysRoot: join(HOST, 'sys'), deep: false, deepPids: [], sampleMs: 0, serviceManager: false });
    const file = join(scratch, 'web-01.json');
    writeFileSync(file, JSON.stringify(snapshot));
    const fromFile = json(await run(['diagnose', '--json', '--from', file]));
    const live = json(await run([...FIXTURE, 'diagnose', '--json']));
    expect(fromFile.findings.map((f) => f.code)).toEqual(live.findings.map((f) => f.code));
  });

  it('prints short text grouped by severity, coloured only on a terminal without NO_COLOR', async () => {
    const plain = await run([...FIXTURE, 'diagnose']);
    expect(plain.out).not.toContain('\u001b[');
    expect(plain.out.split('\n')[0]).toMatch(/^web-01: 1 critical, \d+ warning, \d+ info/);
    expect(plain.out.indexOf('CRITICAL')).toBeLessThan(plain.out.indexOf('WARNING'));
    expect((await run([...FIXTURE, 'diagnose'], { tty: true })).out).toContain('\u001b[31m');
    expect((await run([...FIXTURE, 'diagnose'], { tty: true, env: { NO_COLOR: '1' } })).out).not.toContain('\u001b[');
    expect((await run([...FIXTURE, '--no-color', 'diagnose'], { tty: true })).out).not.toContain('\u001b[');
  });

  it('--sample with --from is refused by pipeline and ask too: a saved snapshot cannot be sampled again', async () => {
    for (const argv of [['pipeline', '--from', join(ROOT, 'package.json'), '--sample', '1000'], ['ask', '--offline', '--from', join(ROOT, 'package.json'), '--sample', '1000', 'what is wrong?']]) {
      const r = await run(argv);
      expect({ argv, code: r.code }).toEqual({ argv, code: 2 });
      expect(r.err).toMatch(/option '--sample <ms>' cannot be used with option '--from <file>'/);
    }
  });

  it('exits 3 with a clear message when it cannot diagnose', async () => {
    const cases: [string[], RegExp][] = [
      [[...FIXTURE, 'diagnose', '--pid', '4242'], /No process 4242 on this host/],
      [[...FIXTURE, 'diagnose', '--pid', 'abc'], /"abc" is not a process ID/],
      [['diagnose', '--from', join(scratch, 'missing.json')], /Cannot read snapshot/],
      [['diagnose', '--from', join(ROOT, 'package.json')], /not a procdoc snapshot/],
      [['diagnose', '--from', join(ROOT, 'package.json'), '--for', '5s'], /cannot be combined with --from/],
      [['diagnose', '--for', 'soon'], /"soon" is not a duration/],
      [['diagnose', '--from', join(ROOT, 'package.json'), '--sample', '1000'], /option '--sample <ms>' cannot be used with option '--from <file>'/],
      [[...FIXTURE, 'diagnose', '--threshold', 'bogus=1'], /Unknown threshold/],
      [[...FIXTURE, 'diagnose', '--threshold', 'runawayCpuPercent='], /Threshold runawayCpuPercent needs a number, got ""/],
      [[...FIXTURE, 'diagnose', '--threshold', 'memoryNearRatio'], /Threshold memoryNearRatio needs a number, got ""/],
      [[...FIXTURE, 'diagnose', '--pid', '901', '--pid', '902'], /diagnose focuses on one process; --pid was given twice \(901, 902\)/],
      [['diagnose', '--for', '1m30x'], /"1m30x" is not a duration/],
      [['diagnose', '--bogus'], /unknown option/],
      [['--proc-root', join(scratch, 'nothing'), 'diagnose'], /Cannot list/],
    ];
    for (const [argv, message] of cases) {
      const r = await run(argv);
      expect({ argv, code: r.code }).toEqual({ argv, code: 3 });
      expect(r.err).toMatch(message);
    }
  });
});
