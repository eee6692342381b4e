import { beforeAll, describe, expect, test } from 'vitest';
import { validatorHost } from './testing.js';
import { loadValidator, type Validator } from './index.js';

let validator: Validator;
beforeAll(async () => {
  validator = await loadValidator();
});

const check = (command: string) => validator.check(command, validatorHost());
const ids = (command: string) => check(command).rules.map((r) => r.id);

describe('services: systemctl, service, /etc/init.d', () => {
  test.each(['systemctl status nginx', 'systemctl show nginx.service -p MainPID', 'systemctl list-units --failed', 'systemctl is-active nginx'])('%s only reads', (command) => {
    expect(ids(command)).toEqual(['read-only']);
  });

  test.each(['systemctl restart nginx', 'service nginx stop', '/etc/init.d/nginx restart', 'invoke-rc.d nginx reload'])('%s acts on nginx.service through the service manager: confirmed', (command) => {
    const verdict = check(command);
    expect(verdict.decision).toBe('confirm');
    expect(verdict.rules.map((r) => r.id)).toContain('state-change');
  });

  test.each(['systemctl stop systemd-journald', 'systemctl stop ssh', 'service ssh stop'])('%s stops a critical unit: denied', (command) => {
    expect(ids(command)).toContain('critical-unit-action');
  });
});
