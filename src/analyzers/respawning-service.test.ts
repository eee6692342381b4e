import { describe, expect, it } from 'vitest';
import { fakeSnapshot, fakeUnit } from '../snapshot/testing.js';
import { respawningService } from './respawning-service.js';
import { runAnalyzer } from './testing.js';

describe('respawning-service', () => {
  it('says killing is the wrong lever for a unit that systemd keeps restarting', () => {
    const unit = fakeUnit({ name: 'flaky.service', restart: 'always', nRestarts: 3, mainPid: 140 });
    const [f] = runAnalyzer(respawningService, fakeSnapshot({ units: [unit] }));
    expect(f).toMatchObject({ code: 'respawning-service', severity: 'warning', units: ['flaky.service'], culpritPid: 140 });
    expect(f?.evidence).toContainEqual({ source: 'systemctl show flaky.service', field: 'NRestarts', value: 3 });
    expect(f?.remediation.map((r) => r.command)).toEqual(['journalctl -u flaky.service -n 50 --no-pager', 'systemctl stop flaky.service']);
  });

  it('is critical after many restarts, silent without restarts or without Restart=', () => {
    expect(runAnalyzer(respawningService, fakeSnapshot({ units: [fakeUnit({ name: 'a.service', restart: 'on-failure', nRestarts: 9 })] }))[0]?.severity).toBe('critical');
    const quiet = fakeSnapshot({ units: [fakeUnit({ name: 'b.service', restart: 'always', nRestarts: 0 }), fakeUnit({ name: 'c.service', restart: 'no', nRestarts: 4 })] });
    expect(runAnalyzer(respawningService, quiet)).toEqual([]);
  });
});
