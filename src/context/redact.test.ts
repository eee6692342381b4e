import { describe, expect, it } from 'vitest';
import { REDACTED, redactArgv, redactEnvironment, redactText } from './redact.js';

describe('redactArgv', () => {
  const cases: Array<[string, string[], string]> = [
    ['--password=VALUE', ['mysqld', '--password=hunter2'], 'hunter2'],
    ['--password VALUE', ['app', '--password', 'hunter2'], 'hunter2'],
    ['--api-key VALUE', ['app', '--api-key', 'abc123xyz'], 'abc123xyz'],
    ['--token=VALUE', ['app', '--token=t0ps3cr3t'], 't0ps3cr3t'],
    ['mysql -pSECRET', ['mysql', '-uroot', '-phunter2', 'db'], 'hunter2'],
    ['env assignment', ['env', 'DB_PASSWORD=hunter2', 'app'], 'hunter2'],
    ['AWS secret env', ['env', 'AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', 'aws'], 'wJalrXUtnFEMI'],
    ['AWS key id', ['aws', 's3', 'ls', 'AKIAIOSFODNN7EXAMPLE'], 'AKIAIOSFODNN7EXAMPLE'],
    ['bearer token', ['curl', '-H', 'Authorization: Bearer abcdef0123456789abcdef'], 'abcdef0123456789abcdef'],
    ['URL with credentials', ['psql', 'postgres://admin:s3cretpw@db.internal:5432/app'], 's3cretpw'],
    ['GitHub token', ['git', 'clone', 'https://ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789@github.com/x/y'], 'ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789'],
    ['Slack token', ['notify', 'xoxb-1234567890-abcdefghijklmnop'], 'xoxb-1234567890'],
    ['Stripe key', ['billing', 'sk_live_abcdefghijklmnop1234'], 'sk_live_abcdefghijklmnop1234'],
    ['OpenAI key', ['agent', 'sk-proj-abcdefghijklmnopqrstuvwxyz0123'], 'sk-proj-abcdefghij'],
    ['Google API key', ['maps', 'AIzaSyA1234567890abcdefghijklmnopqrstuv'], 'AIzaSyA1234567890'],
    ['PEM block', ['app', '--cert', '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\n-----END RSA PRIVATE KEY-----'], 'MIIEowIBAAKCAQEA'],
    ['JSON env blob', ['runner', '--env', '{"DATABASE_URL":"postgres://u:p@h/db","FOO_SETTING":"opaque-value-1"}'], 'opaque-value-1'],
    ['JSON secret key', ['app', '{"config":{"apiKey":"zzz-top-secret"}}'], 'zzz-top-secret'],
    ['exec -a rewritten argv0', ['mysql --password=hunter2 --host db'], 'hunter2'],
    ['rewritten argv0, spaced flag', ['mysql --password hunter2 --host db'], 'hunter2'],
    ['query string token', ['curl', 'https://api.example.com/x?token=qwertyuiop&x=1'], 'qwertyuiop'],
  ];
  it.each(cases)('removes the secret: %s', (_name, argv, secret) => {
    const out = redactArgv(argv).join(' ');
    expect(out).not.toContain(secret);
    expect(out).toContain(REDACTED);
  });

  it('keeps ordinary arguments as they are', () => {
    const argv = ['python3', '-m', 'http.server', '--port', '8080', '/srv/www', 'PATH=/usr/bin'];
    expect(redactArgv(argv)).toEqual(argv);
  });

  it('keeps harmless variables of an env blob', () => {
    const out = redactArgv(['runner', '{"PATH":"/usr/bin","SECRET_THING":"x1"}']).join(' ');
    expect(out).toContain('/usr/bin');
    expect(out).not.toContain('x1');
  });
});

describe('redactText', () => {
  it('leaves text without secrets unchanged', () => {
    expect(redactText('/system.slice/nginx.service')).toBe('/system.slice/nginx.service');
  });
  it('redacts password assignments in free text', () => {
    expect(redactText('sh -c "PGPASSWORD=abc psql"')).not.toContain('abc psql');
  });
});

describe('redactEnvironment', () => {
  it('drops values of secret-looking variables and secret shapes elsewhere', () => {
    expect(redactEnvironment({ DB_PASSWORD: 'x', GITHUB_TOKEN: 'y', HOME: '/root', DATABASE_URL: 'postgres://u:pw@h/db' })).toEqual({
      DB_PASSWORD: REDACTED,
      GITHUB_TOKEN: REDACTED,
      HOME: '/root',
      DATABASE_URL: `postgres://u:${REDACTED}@h/db`,
    });
  });
});
