/**
 * Generated spellings of the dangerous options of tools the validator allows in some form.
 * Each option is spelled as getopt (and bash) would accept it: alone, combined with a
 * harmless flag of the same tool, with its value attached, as a long option with = or a
 * separate value, abbreviated to every unambiguous prefix of its long name, after the
 * operands, and inside a brace expansion. Every spelling is then wrapped in every wrapper.
 *
 * The long option lists were read from each tool's --help on Debian 12 (coreutils 9.1,
 * gawk 5.2, sed 4.9, procps-ng 4.0, util-linux 2.38, iproute2 6.1, systemd 252, man-db 2.11,
 * less 590, tree 2.1, dstat 0.7, yq 3.1); they decide which prefixes are unambiguous.
 */

export interface DangerousOption {
  /** The short letter, without the dash (o for sort -o). */
  short?: string;
  /** The long name, without the dashes (output for sort --output). */
  long?: string;
  /** The value it takes (a file to write, a program to run), if any. */
  value?: string;
  /** Whether the value may only be attached (gawk -o/etc/passwd, sed -i.bak): -oFILE, --long=FILE. */
  attachedOnly?: boolean;
}

export interface ToolSpec {
  tool: string;
  /** Words before the operands that make a complete, harmless command (may be empty). */
  operands: string;
  /** A harmless short flag of the tool without a value, to combine with (-u for sort). */
  harmless?: string;
  /** Every long option the tool has, without dashes: decides which abbreviations are unambiguous. */
  longOptions: readonly string[];
  dangerous: readonly DangerousOption[];
  /** The option parser accepts combined short options and prefixes of long ones (getopt_long, argp, optparse). */
  getopt: boolean;
  /**
   * Options may follow the operands (GNU permutation). false for tools whose options end at the
   * first operand (awk at its program text, /usr/bin/time and git at the command): an "option"
   * after it is an operand there, and spelling one so would not be dangerous.
   */
  permute?: boolean;
}

const SORT_LONG = ['batch-size', 'buffer-size', 'check', 'compress-program', 'debug', 'dictionary-order', 'field-separator', 'files0-from', 'general-numeric-sort', 'help', 'human-numeric-sort', 'ignore-case', 'ignore-leading-blanks', 'ignore-nonprinting', 'key', 'merge', 'month-sort', 'numeric-sort', 'output', 'parallel', 'random-sort', 'random-source', 'reverse', 'sort', 'stable', 'temporary-directory', 'unique', 'version', 'version-sort', 'zero-terminated'];
const SED_LONG = ['debug', 'expression', 'file', 'follow-symlinks', 'help', 'in-place', 'line-length', 'null-data', 'posix', 'quiet', 'regexp-extended', 'sandbox', 'separate', 'silent', 'unbuffered', 'version', 'zero-terminated'];
const GAWK_LONG = ['assign', 'bignum', 'characters-as-bytes', 'copyright', 'debug', 'dump-variables', 'exec', 'field-separator', 'file', 'gen-pot', 'help', 'include', 'lint', 'lint-old', 'load', 'no-optimize', 'non-decimal-data', 'optimize', 'posix', 'pretty-print', 'profile', 're-interval', 'sandbox', 'source', 'trace', 'traditional', 'use-lc-numeric', 'version'];
const SS_LONG = ['all', 'bpf', 'cgroup', 'context', 'contexts', 'dccp', 'diag', 'events', 'extended', 'family', 'filter', 'help', 'inet-sockopt', 'info', 'ipv4', 'ipv6', 'kill', 'listening', 'memory', 'mptcp', 'net', 'no-header', 'numeric', 'oneline', 'options', 'packet', 'processes', 'query', 'raw', 'resolve', 'sctp', 'socket', 'summary', 'tcp', 'threads', 'tipc', 'tipcinfo', 'tos', 'udp', 'unix', 'version', 'vsock', 'xdp'];
const JOURNALCTL_LONG = ['after-cursor', 'all', 'boot', 'case-sensitive', 'catalog', 'cursor', 'cursor-file', 'directory', 'disk-usage', 'dmesg', 'dump-catalog', 'facility', 'field', 'fields', 'file', 'flush', 'follow', 'force', 'grep', 'header', 'help', 'identifier', 'image', 'interval', 'lines', 'list-boots', 'list-catalog', 'machine', 'merge', 'namespace', 'no-full', 'no-hostname', 'no-pager', 'no-tail', 'output', 'output-fields', 'pager-end', 'priority', 'quiet', 'relinquish-var', 'reverse', 'root', 'rotate', 'setup-keys', 'show-cursor', 'since', 'smart-relinquish-var', 'sync', 'system', 'unit', 'until', 'update-catalog', 'user', 'user-unit', 'utc', 'vacuum-files', 'vacuum-size', 'vacuum-time', 'verify', 'verify-key', 'version'];
const DMESG_LONG = ['buffer-size', 'clear', 'color', 'console-level', 'console-off', 'console-on', 'ctime', 'decode', 'facility', 'file', 'follow', 'follow-new', 'force-prefix', 'help', 'human', 'json', 'kernel', 'level', 'noescape', 'nopager', 'notime', 'raw', 'read-clear', 'reltime', 'show-delta', 'since', 'syslog', 'time-format', 'until', 'userspace', 'version'];
const DATE_LONG = ['date', 'debug', 'file', 'help', 'iso-8601', 'reference', 'resolution', 'rfc-3339', 'rfc-email', 'set', 'universal', 'utc', 'version'];
const HOSTNAME_LONG = ['alias', 'all-fqdns', 'all-ip-addresses', 'boot', 'domain', 'file', 'fqdn', 'help', 'ip-address', 'long', 'nis', 'short', 'version', 'yp'];
const SYSCTL_LONG = ['all', 'binary', 'deprecated', 'dry-run', 'help', 'ignore', 'load', 'names', 'pattern', 'quiet', 'system', 'values', 'version', 'write'];
const MAN_LONG = ['all', 'apropos', 'ascii', 'catman', 'config-file', 'debug', 'default', 'ditroff', 'encoding', 'extension', 'global-apropos', 'gxditview', 'help', 'html', 'ignore-case', 'local-file', 'locale', 'location', 'location-cat', 'manpath', 'match-case', 'names-only', 'nh', 'nj', 'no-hyphenation', 'no-justification', 'no-subpages', 'pager', 'path', 'preprocessor', 'prompt', 'recode', 'regex', 'sections', 'systems', 'troff', 'troff-device', 'update', 'usage', 'version', 'warnings', 'whatis', 'where', 'where-cat', 'wildcard'];
const LESS_LONG = ['auto-buffers', 'buffers', 'chop-long-lines', 'clear-screen', 'color', 'dumb', 'file-size', 'follow-name', 'force', 'help', 'hilite-search', 'hilite-unread', 'ignore-case', 'incsearch', 'jump-target', 'lesskey-file', 'lesskey-src', 'line-num-width', 'line-numbers', 'log-file', 'long-prompt', 'max-back-scroll', 'max-forw-scroll', 'mouse', 'no-histdups', 'no-init', 'no-keypad', 'no-lessopen', 'pattern', 'prompt', 'quiet', 'quit-at-eof', 'quit-if-one-screen', 'quit-on-intr', 'quotes', 'raw-control-chars', 'rscroll', 'save-marks', 'search-skip-screen', 'shift', 'silent', 'squeeze-blank-lines', 'status-col-width', 'status-column', 'tabs', 'tag', 'tag-file', 'tilde', 'underline-special', 'use-backslash', 'use-color', 'version', 'wheel-lines', 'window'];
const TOP_LONG = ['accum-time-toggle', 'batch-mode', 'cmdline-toggle', 'delay', 'filter-any-user', 'filter-only-euser', 'help', 'idle-toggle', 'iterations', 'list-fields', 'pid', 'scale-summary-mem', 'scale-task-mem', 'secure-mode', 'single-cpu-toggle', 'sort-override', 'threads-show', 'version', 'width'];
const IOTOP_LONG = ['accumulated', 'batch', 'delay', 'help', 'iter', 'kilobytes', 'no-help', 'only', 'pid', 'processes', 'quiet', 'time', 'user', 'version'];
const LASTLOG_LONG = ['before', 'clear', 'help', 'root', 'set', 'time', 'user'];
const DSTAT_LONG = ['aio', 'all', 'bits', 'black-on-white', 'bw', 'color', 'cpu', 'disk', 'epoch', 'filesystem', 'float', 'fs', 'full', 'int', 'integer', 'io', 'ipc', 'list', 'load', 'lock', 'mem', 'net', 'nocolor', 'noheaders', 'noupdate', 'output', 'page', 'proc', 'profile', 'raw', 'socket', 'swap', 'sys', 'tcp', 'time', 'udp', 'unix', 'vm', 'vm-adv', 'vmstat', 'zones'];
const YQ_LONG = ['arg', 'argjson', 'args', 'help', 'in-place', 'indentless', 'indentless-lists', 'jsonargs', 'rawfile', 'slurpfile', 'tab', 'version', 'width', 'yaml-output', 'yaml-output-grammar-version', 'yaml-roundtrip', 'yml-out-ver', 'yml-output', 'yml-roundtrip'];
const TEE_LONG = ['append', 'help', 'ignore-interrupts', 'output-error', 'version'];
const TIME_LONG = ['append', 'format', 'help', 'output', 'portability', 'quiet', 'verbose', 'version'];
const GIT_DIFF_LONG = ['output', 'output-indicator-new', 'output-indicator-old', 'output-indicator-context', 'ext-diff', 'no-ext-diff', 'textconv', 'no-textconv', 'stat', 'name-only', 'name-status'];

const AWK_PROGRAM = "'BEGIN{system(\"reboot\")}'";

/** Each tool the validator allows in some form, with the options that make it dangerous. */
export const TOOLS: readonly ToolSpec[] = [
  { tool: 'sort', operands: '/etc/hostname', harmless: 'u', longOptions: SORT_LONG, getopt: true, dangerous: [{ short: 'o', long: 'output', value: '/etc/passwd' }, { long: 'compress-program', value: '/tmp/evil' }] },
  {
    tool: 'sed',
    operands: "'s/a/b/' /etc/passwd",
    harmless: 'E',
    longOptions: SED_LONG,
    getopt: true,
    dangerous: [{ short: 'i', long: 'in-place' }, { short: 'i', long: 'in-place', value: '.bak', attachedOnly: true }],
  },
  { tool: 'sed', operands: '/etc/hostname', harmless: 'n', longOptions: SED_LONG, getopt: true, dangerous: [{ short: 'e', long: 'expression', value: "'1e reboot'" }, { short: 'f', long: 'file', value: '/tmp/evil.sed' }] },
  ...['awk', 'gawk'].map(
    (tool): ToolSpec => ({
      tool,
      permute: false,
      operands: "'{print}' /etc/passwd",
      harmless: 'b',
      longOptions: GAWK_LONG,
      getopt: true,
      dangerous: [
        { short: 'i', long: 'include', value: 'inplace' },
        { short: 'l', long: 'load', value: '/tmp/evil.so' },
        { short: 'E', long: 'exec', value: '/tmp/evil.awk' },
        { short: 'f', long: 'file', value: '/tmp/evil.awk' },
        { short: 'o', long: 'pretty-print', value: '/etc/shadow', attachedOnly: true },
        { short: 'p', long: 'profile', value: '/etc/shadow', attachedOnly: true },
        { short: 'd', long: 'dump-variables', value: '/etc/shadow', attachedOnly: true },
      ],
    }),
  ),
  ...['awk', 'gawk'].map((tool): ToolSpec => ({ tool, permute: false, operands: '/etc/hostname', harmless: 'b', longOptions: GAWK_LONG, getopt: true, dangerous: [{ short: 'e', long: 'source', value: AWK_PROGRAM }] })),
  { tool: 'tree', operands: '/etc', harmless: 'a', longOptions: [], getopt: false, dangerous: [{ short: 'o', value: '/etc/passwd' }] },
  { tool: 'ss', operands: '', harmless: 't', longOptions: SS_LONG, getopt: true, dangerous: [{ short: 'D', long: 'diag', value: '/etc/passwd' }, { short: 'K', long: 'kill' }] },
  {
    tool: 'journalctl',
    operands: '',
    harmless: 'q',
    longOptions: JOURNALCTL_LONG,
    getopt: true,
    dangerous: [
      { long: 'cursor-file', value: '/etc/passwd' },
      { long: 'vacuum-time', value: '1s' },
      { long: 'vacuum-size', value: '1' },
      { long: 'vacuum-files', value: '1' },
      { long: 'rotate' },
      { long: 'flush' },
      { long: 'sync' },
      { long: 'relinquish-var' },
      { long: 'smart-relinquish-var' },
      { long: 'setup-keys' },
      { long: 'update-catalog' },
    ],
  },
  {
    tool: 'dmesg',
    operands: '',
    harmless: 'T',
    longOptions: DMESG_LONG,
    getopt: true,
    dangerous: [{ short: 'C', long: 'clear' }, { short: 'c', long: 'read-clear' }, { short: 'D', long: 'console-off' }, { short: 'E', long: 'console-on' }, { short: 'n', long: 'console-level', value: '1' }],
  },
  { tool: 'date', operands: '', harmless: 'u', longOptions: DATE_LONG, getopt: true, dangerous: [{ short: 's', long: 'set', value: '2020-01-01' }] },
  { tool: 'hostname', operands: '', longOptions: HOSTNAME_LONG, getopt: true, dangerous: [{ short: 'F', long: 'file', value: '/tmp/name' }, { short: 'b', long: 'boot', value: 'evil' }] },
  { tool: 'sysctl', operands: '', harmless: 'q', longOptions: SYSCTL_LONG, getopt: true, dangerous: [{ short: 'p', long: 'load', value: '/tmp/x.conf' }, { long: 'system' }] },
  { tool: 'sysctl', operands: 'kernel.panic=1', harmless: 'q', longOptions: SYSCTL_LONG, getopt: true, dangerous: [{ short: 'w', long: 'write' }] },
  {
    tool: 'man',
    operands: 'ls',
    harmless: 'a',
    longOptions: MAN_LONG,
    getopt: true,
    dangerous: [{ short: 'P', long: 'pager', value: "'sh -c reboot'" }, { short: 'C', long: 'config-file', value: '/tmp/evil.conf' }, { short: 'H', long: 'html', value: 'reboot', attachedOnly: true }],
  },
  { tool: 'less', operands: '/var/log/syslog', harmless: 'S', longOptions: LESS_LONG, getopt: true, dangerous: [{ short: 'k', long: 'lesskey-file', value: '/tmp/evil.lesskey' }, { short: 'o', long: 'log-file', value: '/etc/passwd' }] },
  { tool: 'git', operands: 'diff', longOptions: [], getopt: false, permute: false, dangerous: [{ short: 'c', value: "core.pager='sh -c reboot'" }, { short: 'c', value: "alias.diff='!reboot'" }, { short: 'c', value: 'core.fsmonitor=reboot' }] },
  { tool: 'git diff', operands: 'HEAD', longOptions: GIT_DIFF_LONG, getopt: true, dangerous: [{ long: 'output', value: '/etc/passwd' }, { long: 'ext-diff' }] },
  { tool: 'git log', operands: '-p', longOptions: GIT_DIFF_LONG, getopt: true, dangerous: [{ long: 'output', value: '/etc/passwd' }, { long: 'ext-diff' }] },
  { tool: 'xxd', operands: '/tmp/x /etc/passwd', longOptions: [], getopt: false, dangerous: [{ short: 'r' }, { short: 'revert' }, { short: 'c', value: '16' }] },
  { tool: 'uniq', operands: '/tmp/x /etc/passwd', harmless: 'c', longOptions: ['count', 'repeated', 'unique'], getopt: true, dangerous: [{ short: 'u', long: 'unique' }, { short: 'd', long: 'repeated' }] },
  { tool: 'top', operands: '', longOptions: TOP_LONG, getopt: true, dangerous: [{ short: 'u', long: 'filter-only-euser', value: 'b' }, { short: 'U', long: 'filter-any-user', value: 'b' }, { short: 'd', long: 'delay', value: '1' }] },
  { tool: 'iotop', operands: '', harmless: 'P', longOptions: IOTOP_LONG, getopt: true, dangerous: [{ short: 'u', long: 'user', value: 'b' }, { short: 'o', long: 'only' }] },
  { tool: 'ip', operands: '', longOptions: [], getopt: false, dangerous: [{ short: 'batch', value: '/tmp/cmds' }, { short: 'ba', value: '/tmp/cmds' }, { short: '-batch', value: '/tmp/cmds' }, { short: 'b', value: '/tmp/cmds' }] },
  { tool: '/bin/kill', operands: '1100', longOptions: ['signal'], getopt: false, dangerous: [{ short: '0 1100 -s', value: 'KILL' }, { short: '0 1100 -s', value: '9' }, { short: '0 1100 --signal', value: 'KILL' }] },
  { tool: 'lastlog', operands: '-u root', longOptions: LASTLOG_LONG, getopt: true, dangerous: [{ short: 'C', long: 'clear' }, { short: 'S', long: 'set' }] },
  { tool: 'atop', operands: '1 1', harmless: 'a', longOptions: [], getopt: true, dangerous: [{ short: 'w', value: '/etc/passwd' }] },
  { tool: 'dstat', operands: '1 1', harmless: 'c', longOptions: DSTAT_LONG, getopt: true, dangerous: [{ long: 'output', value: '/etc/passwd' }] },
  { tool: 'yq', operands: "'.a = 1' /etc/x.yaml", harmless: 'y', longOptions: YQ_LONG, getopt: true, dangerous: [{ short: 'i', long: 'in-place' }] },
  // flock reads -c only as the word right after its lock file, not as an option: the corpus has those cases.
  { tool: 'tee', operands: '/etc/passwd', harmless: 'i', longOptions: TEE_LONG, getopt: true, dangerous: [{ short: 'a', long: 'append' }, { long: 'output-error', value: 'warn' }] },
  { tool: '/usr/bin/time', operands: 'ps', harmless: 'q', longOptions: TIME_LONG, getopt: true, permute: false, dangerous: [{ short: 'o', long: 'output', value: '/etc/passwd' }] },
  // GNU base64 has no option that writes or runs anything (base64 --help: -d, -i, -w): it has no entry.
];

/** Every prefix of `name` that no other long option shares, shortest first, the full name excluded. */
export function unambiguousPrefixes(name: string, all: readonly string[]): string[] {
  const out: string[] = [];
  for (let n = 1; n < name.length; n++) {
    const p = name.slice(0, n);
    if (all.filter((o) => o.startsWith(p)).length === 1) out.push(p);
  }
  return out;
}

/** The ways getopt and bash accept one dangerous option of a tool, as whole commands. */
export function spellings(spec: ToolSpec, opt: DangerousOption): string[] {
  const { tool, operands, harmless } = spec;
  const cmd = (...words: string[]) => [tool, ...words.filter((w) => w !== '')].join(' ');
  const v = opt.value;
  const out: string[] = [];
  const late = spec.permute !== false;
  if (opt.short !== undefined) {
    const s = `-${opt.short}`;
    if (v === undefined) {
      out.push(cmd(s, operands), ...(late ? [cmd(operands, s)] : []));
      if (spec.getopt && harmless !== undefined) out.push(cmd(`-${harmless}${opt.short}`, operands), cmd(`-${opt.short}${harmless}`, operands));
      if (harmless !== undefined) out.push(cmd(`-{${harmless},${opt.short}}`, operands));
      out.push(cmd(`{${s},}`, operands));
    } else {
      // A long option written as a short's text (kill's `--signal`) takes no attached value.
      if (!/ --\w+$/.test(s)) out.push(cmd(`${s}${v}`, operands));
      if (!opt.attachedOnly) {
        out.push(cmd(s, v, operands), ...(late ? [cmd(operands, s, v)] : []), cmd(`{${s},${v}}`, operands));
        if (harmless !== undefined) out.push(cmd(`-{${harmless},${opt.short}}`, v, operands));
      }
      if (spec.getopt && harmless !== undefined) {
        out.push(cmd(`-${harmless}${opt.short}${v}`, operands));
        if (!opt.attachedOnly) out.push(cmd(`-${harmless}${opt.short}`, v, operands));
      }
    }
  }
  if (opt.long !== undefined) {
    const names = [opt.long, ...(spec.getopt ? unambiguousPrefixes(opt.long, spec.longOptions) : [])];
    for (const name of names) {
      const l = `--${name}`;
      if (v === undefined) out.push(cmd(l, operands), ...(late ? [cmd(operands, l)] : []));
      else {
        out.push(cmd(`${l}=${v}`, operands));
        if (!opt.attachedOnly) out.push(cmd(l, v, operands), ...(late ? [cmd(operands, l, v)] : []));
      }
    }
    const l = `--${opt.long}`;
    if (v === undefined) out.push(cmd(`{${l},}`, operands));
    else if (!opt.attachedOnly) out.push(cmd(`{${l},${v}}`, operands));
    else out.push(cmd(`{${l}=${v},}`, operands));
  }
  return out;
}

/** Wrappers that run the command after them; `%` is the command. */
export const WRAPPER_TEMPLATES: readonly string[] = [
  '%',
  'sudo %',
  'sudo -u root %',
  'env %',
  'env -i %',
  'nice %',
  'nice -n 5 %',
  'timeout 5 %',
  'nohup %',
  'setsid %',
  'stdbuf -o0 %',
  'command %',
  'exec %',
  "sh -c '%'",
  "bash -c '%'",
  'echo | xargs %',
  'ionice -c3 %',
  'chrt -o 0 %',
  'taskset -c 0 %',
  'numactl -C 0 %',
  'flock /tmp/l %',
  'time %',
  'busybox %',
];

/** A wrapper around a command: in sh -c '…' the command's single quotes are closed and reopened. */
export function wrap(template: string, command: string): string {
  const inner = template.includes("'%'") ? command.replaceAll("'", "'\\''") : command;
  return template.replace('%', inner);
}

/** Every spelling of every dangerous option, unwrapped, by tool: `tool: [spellings]`. */
export function spellingsByTool(): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const spec of TOOLS) {
    const list = out.get(spec.tool) ?? [];
    for (const opt of spec.dangerous) list.push(...spellings(spec, opt));
    out.set(spec.tool, [...new Set(list)]);
  }
  return out;
}

/** Every spelling in every wrapper, by tool. */
export function variantsByTool(): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [tool, list] of spellingsByTool()) {
    // busybox has no git, man, journalctl…: it only wraps the tools it has an applet for.
    const templates = WRAPPER_TEMPLATES.filter((t) => !t.startsWith('busybox') || BUSYBOX_APPLETS.has(tool));
    out.set(tool, [...new Set(list.flatMap((c) => templates.map((t) => wrap(t, c))))]);
  }
  return out;
}

const BUSYBOX_APPLETS = new Set(['sort', 'sed', 'awk', 'tree', 'date', 'hostname', 'sysctl', 'less', 'xxd', 'uniq', 'top', 'ip', 'flock', 'tee', 'time', 'dmesg']);
