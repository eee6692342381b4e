import { describe, expect, it } from 'vitest';
import { parseSystemctlShow, parseTimespan } from './systemd.js';

describe('parseSystemctlShow', () => {
  it('reads the unit properties procdoc needs, one block per unit', () => {
    const text = [
      'Id=demo.service', 'Restart=always', 'RestartUSec=100ms', 'KillMode=control-group', 'KillSignal=15', 'MainPID=4711',
      'ControlGroup=/system.slice/demo.service', 'NRestarts=3', 'ActiveState=active', 'SubState=running', 'MemoryMax=infinity',
      'OOMScoreAdjust=0', 'CPUQuotaPerSecUSec=infinity', '',
      'Id=cron.service', 'Restart=no', 'MainPID=0', 'MemoryMax=1073741824', 'CPUQuotaPerSecUSec=500ms', '',
    ].join('\n');
    const [demo, cron] = parseSystemctlShow(text, 'system', null);
    expect(demo).toMatchObject({ name: 'demo.service', type: 'service', restart: 'always', restartUsec: 100_000, mainPid: 4711, nRestarts: 3, memoryMax: null, cpuQuotaPerSecUs: null });
    expect(cron).toMatchObject({ name: 'cron.service', restart: 'no', mainPid: null, memoryMax: 1073741824, cpuQuotaPerSecUs: 500_000 });
  });
});

describe('parseTimespan', () => {
  it('reads systemd time spans', () => {
    expect(parseTimespan('1min 30s')).toBe(90e6);
    expect(parseTimespan('infinity')).toBeNull();
  });
});
