/**
 * Redaction of secrets in text that processes control (argv, comm, cgroup names), applied
 * before anything leaves the machine. Pure. Errs on the side of redacting: a context with
 * one "[REDACTED]" too many costs nothing; one leaked password costs a rotation.
 */
export const REDACTED = '[REDACTED]';

/** Names of flags, variables and JSON keys whose values are secrets. */
const SECRET_NAME =
  /(pass(?:word|wd|phrase)?|(?:^|[-_])pwd$|secret|token|api[-_]?key|apikey|access[-_]?key|private[-_]?key|client[-_]?secret|auth(?:[-_]?token)?|credentials?|session[-_]?key|signing[-_]?key|encryption[-_]?key|(?:^|[-_])key$|^key$|cookie|dsn)/i;

/** Environment variables that are safe to show even inside an env blob. */
const SAFE_ENV = new Set(['PATH', 'HOME', 'LANG', 'LC_ALL', 'TERM', 'SHELL', 'USER', 'LOGNAME', 'PWD', 'TZ', 'HOSTNAME', 'NODE_ENV']);

export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name);
}

interface Pattern {
  re: RegExp;
  replace: (match: string, ...groups: string[]) => string;
}

/** Shapes of keys and tokens that are secret wherever they appear. */
const SHAPES: Pattern[] = [
  // PEM blocks (private keys, certificates with keys): the whole block.
  { re: /-----BEGIN [A-Z0-9 ]+-----[\s\S]*?(?:-----END [A-Z0-9 ]+-----|$)/g, replace: () => REDACTED },
  // URLs with credentials: keep scheme, user and host, drop the password.
  { re: /\b([a-z][a-z0-9+.-]*:\/\/)([^\s:/@]+):([^\s@/]+)@/gi, replace: (_m, scheme: string, user: string) => `${scheme}${user}:${REDACTED}@` },
  // Authorization headers and bearer tokens.
  { re: /\b(Bearer|Basic|Token)\s+[A-Za-z0-9\-._~+/]{8,}=*/g, replace: (_m, kind: string) => `${kind} ${REDACTED}` },
  // JSON Web Tokens.
  { re: /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g, replace: () => REDACTED },
  // AWS access key ids.
  { re: /\b(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[0-9A-Z]{16}\b/g, replace: () => REDACTED },
  // Google API keys and OAuth access tokens.
  { re: /\bAIza[0-9A-Za-z_-]{35}\b/g, replace: () => REDACTED },
  { re: /\bya29\.[0-9A-Za-z_-]{20,}/g, replace: () => REDACTED },
  // GitHub tokens.
  { re: /\bgh[pousr]_[A-Za-z0-9]{30,}\b/g, replace: () => REDACTED },
  { re: /\bgithub_pat_[A-Za-z0-9_]{22,}\b/g, replace: () => REDACTED },
  // Slack tokens and webhooks.
  { re: /\bxox[abposr]-[A-Za-z0-9-]{10,}/g, replace: () => REDACTED },
  { re: /hooks\.slack\.com\/services\/[A-Za-z0-9/]+/g, replace: () => `hooks.slack.com/services/${REDACTED}` },
  // Stripe keys.
  { re: /\b(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9]{16,}\b/g, replace: () => REDACTED },
  // OpenAI / Anthropic style keys.
  { re: /\bsk-(?:proj-|ant-|svcacct-)?[A-Za-z0-9_-]{20,}/g, replace: () => REDACTED },
  // npm and PyPI tokens.
  { re: /\bnpm_[A-Za-z0-9]{30,}\b/g, replace: () => REDACTED },
  { re: /\bpypi-[A-Za-z0-9_-]{30,}/g, replace: () => REDACTED },
  // "key": "value" pairs in JSON with a secret-looking key.
  {
    re: /("([A-Za-z0-9_.-]*)"\s*:\s*)"((?:[^"\\]|\\.)*)"/g,
    replace: (m, head: string, key: string) => (isSecretName(key) ? `${head}"${REDACTED}"` : m),
  },
  // NAME=value / name: value assignments (env, query strings, config on a command line).
  {
    re: /(^|[\s?&;,'"{(-])([A-Za-z_][A-Za-z0-9_.-]*)(\s*=\s*|\s*:(?!\/\/)\s*)(?!\[REDACTED\])("[^"]*"|'[^']*'|[^\s&;,'"})]+)/g,
    replace: (m, lead: string, name: string, sep: string) => (isSecretName(name) ? `${lead}${name}${sep}${REDACTED}` : m),
  },
];

/** Redacts secrets in one piece of free text. */
export function redactText(text: string): string {
  let out = text;
  for (const { re, replace } of SHAPES) {
    out = out.replace(re, replace as (substring: string, ...args: unknown[]) => string);
  }
  return out;
}

function redactEnvBlob(arg: string): string | undefined {
  const start = arg.indexOf('{');
  if (start < 0) return undefined;
  const end = arg.lastIndexOf('}');
  if (end <= start) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(arg.slice(start, end + 1));
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
  const entries = Object.entries(parsed as Record<string, unknown>);
  const envLike = entries.length > 0 && entries.filter(([k]) => /^[A-Z_][A-Z0-9_]*$/.test(k)).length * 2 >= entries.length;
  const scrub = (value: unknown, key: string): unknown => {
    if (value !== null && typeof value === 'object') {
      if (Array.isArray(value)) return value.map((v) => scrub(v, key));
      return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, scrub(v, k)]));
    }
    if (isSecretName(key)) return REDACTED;
    // An environment passed as JSON: every value but the harmless ones may be a secret.
    if (envLike && !SAFE_ENV.has(key)) return REDACTED;
    return typeof value === 'string' ? redactText(value) : value;
  };
  const cleaned = Object.fromEntries(entries.map(([k, v]) => [k, scrub(v, k)]));
  return `${arg.slice(0, start)}${JSON.stringify(cleaned)}${arg.slice(end + 1)}`;
}

const FLAG = /^(--?)([A-Za-z][A-Za-z0-9_.-]*)$/;
const MYSQL_LIKE = /^(mysql|mysqldump|mysqladmin|mariadb|mariadb-dump|mysqlimport|mysqlshow|sshpass)$/;

/** Redacts an argv: secret flags take their next argument with them; everything else by shape. */
export function redactArgv(argv: readonly string[]): string[] {
  const out: string[] = [];
  const program = (argv[0] ?? '').split('/').pop() ?? '';
  // argv[0] can itself hold a whole rewritten command line (exec -a, setproctitle).
  const firstWords = (argv[0] ?? '').split(/\s+/);
  const mysqlLike = MYSQL_LIKE.test(program) || MYSQL_LIKE.test(firstWords[0]?.split('/').pop() ?? '');
  let redactNext = false;
  for (const arg of argv) {
    if (redactNext) {
      out.push(REDACTED);
      redactNext = false;
      continue;
    }
    const flag = FLAG.exec(arg);
    if (flag && isSecretName(flag[2]!)) {
      out.push(arg);
      redactNext = true;
      continue;
    }
    if (mysqlLike && /^-p.+/.test(arg)) {
      out.push(`-p${REDACTED}`);
      continue;
    }
    if (mysqlLike && arg === '-p') {
      out.push(arg);
      redactNext = true;
      continue;
    }
    const blob = arg.includes('{') ? redactEnvBlob(arg) : undefined;
    out.push(redactInlineFlags(redactText(blob ?? arg), mysqlLike));
  }
  return out;
}

/** Inside one string (a rewritten argv[0], a `sh -c` script): `--password secret` and `-pSECRET`. */
function redactInlineFlags(text: string, mysqlLike: boolean): string {
  let out = text.replace(/(\s--?)([A-Za-z][A-Za-z0-9_.-]*)(\s+)(?!\[REDACTED\])(?!-)("[^"]*"|'[^']*'|\S+)/g, (m, dash: string, name: string, space: string) =>
    isSecretName(name) ? `${dash}${name}${space}${REDACTED}` : m,
  );
  if (mysqlLike || /\b(mysql|mysqldump|mariadb|sshpass)\b/.test(out)) {
    out = out.replace(/(\s-p)(?!\[REDACTED\])(\S+)/g, (_m, p: string) => `${p}${REDACTED}`);
    out = out.replace(/(\s-p)(\s+)(?!-)(?!\[REDACTED\])(\S+)/g, (_m, p: string, s: string) => `${p}${s}${REDACTED}`);
  }
  return out;
}

/** Redacts an environment (NAME -> value): secret names lose their value, other values by shape. */
export function redactEnvironment(env: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(env).map(([name, value]) => [name, isSecretName(name) ? REDACTED : redactText(value)]));
}
