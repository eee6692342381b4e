/**
 * Commands that only read, judged by how they really parse their arguments: each tool's option
 * grammar (readonly/grammars.ts) is read with a getopt-faithful parser (options.ts), and only the
 * options and verbs known to be read-only are allowed. Options that write files are returned as
 * writes (the caller judges each path); options that run code or change the system, and options
 * or verbs procdoc does not know, are problems. Pure: no I/O, no state.
 */
import { parseArgs, type Grammar, type ParsedArgs } from './options.js';
import { specOptions, TOOLS, type ToolTable } from './readonly/grammars.js';

/** Shell builtins that only read (another module judges their arguments). */
export const BUILTIN_READ_ONLY: ReadonlySet<string> = new Set(['echo', 'printf', 'true', 'false', 'test', '[', ':', 'type', 'cd', 'pwd', 'ulimit', 'unset', 'set', 'shopt', 'wait', 'jobs', 'times', 'help', 'declare', 'typeset', 'local', 'export', 'readonly', 'let', 'read']);

/** Every command procdoc may allow as read-only: the builtins above and the tools with a table (and find, git). */
export const ALWAYS_READ_ONLY: ReadonlySet<string> = new Set([...BUILTIN_READ_ONLY, ...Object.keys(TOOLS), 'find', 'git']);

/** Read-only commands whose arguments, whatever they are, cannot make them act: xargs may feed them. */
export const ARGS_CANNOT_HURT = new Set(['echo', 'printf', 'cat', 'head', 'tail', 'grep', 'egrep', 'fgrep', 'wc', 'ls', 'stat', 'file', 'ps', 'pstree', 'readlink', 'realpath', 'basename', 'dirname', 'md5sum', 'sha256sum', 'pwdx', 'pmap', 'du', 'true']);

/** A reason a command is not read-only. */
export interface ReadOnlyProblem {
  rule: 'state-change' | 'unknown-command' | 'shell-indirection' | 'unparseable';
  message: string;
}

/** What a nominally read-only tool does with these arguments: empty writes and problems (and no delegate) is read-only. */
export interface ReadOnlyJudgement {
  /** Files it writes: the caller judges each (judgeWrite); index is the word of args that holds the path. */
  writes: { path: string; how: string; index: number }[];
  problems: ReadOnlyProblem[];
  /** A form the caller judges itself: find's actions (judgeFind), mount's mounts (judgeMount), fuser -k. */
  delegate?: 'find' | 'mount' | 'fuser-kill';
}

const GRAMMARS: ReadonlyMap<string, Grammar> = new Map(Object.entries(TOOLS).map(([name, t]) => [name, { ...t.how, options: specOptions(t.spec) }]));

/** A tool's option grammar, or undefined. */
export function toolGrammar(name: string): Grammar | undefined {
  return GRAMMARS.get(name);
}

const show = (name: string, args: readonly string[]) => `\`${[name, ...args].join(' ')}\``;
const unknownOption = (name: string, opt: string) => `procdoc does not know what \`${name} ${opt}\` does; run it without that option, or check its documentation.`;

/** Judges a read-only tool's arguments; null when name is not one of these tools (builtins included: not judged here). */
export function judgeReadOnlyTool(name: string, args: readonly string[]): ReadOnlyJudgement | null {
  if (name === 'find') return judgeFindExpression(args);
  if (name === 'git') return judgeGit(args);
  const table = TOOLS[name];
  const grammar = GRAMMARS.get(name);
  if (table === undefined || grammar === undefined) return null;
  const out: ReadOnlyJudgement = { writes: [], problems: [] };
  if (table.anyArgs !== undefined) return out;
  if (name === 'stty') return judgeStty(args, out);
  const p = parseArgs(args, grammar);
  generic(name, table, p, out);
  SPECIAL[name]?.(name, p, args, out);
  return out;
}

/** Unknown, ambiguous and value-less options; the table's writing, running and changing options; required modes. */
function generic(name: string, table: ToolTable, p: ParsedArgs, out: ReadOnlyJudgement): void {
  for (const u of p.unknown) out.problems.push({ rule: 'unknown-command', message: unknownOption(name, u) });
  for (const a of p.ambiguous) out.problems.push({ rule: 'unknown-command', message: `\`${name} ${a}\` could be more than one option of ${name}, so procdoc cannot tell what it does; spell the option out.` });
  for (const m of p.missingValue) out.problems.push({ rule: 'unparseable', message: `${name} ${m} needs a value, and the command ends before it.` });
  for (const o of p.options) {
    const w = table.writes?.[o.name];
    if (w !== undefined) {
      if (o.value !== null && o.valueIndex !== null) out.writes.push({ path: o.value, how: w, index: o.valueIndex });
      else out.problems.push({ rule: 'state-change', message: `${w} a file procdoc cannot name (${o.raw}).` });
    }
    const r = table.runs?.[o.name];
    if (r !== undefined) out.problems.push({ rule: 'shell-indirection', message: `${r}${o.value !== null ? ` (${o.raw} ${o.value})` : ''}, which procdoc cannot check. Run it without ${o.raw}.` });
    const c = table.changes?.[o.name];
    if (c !== undefined) out.problems.push({ rule: 'state-change', message: `${c}.` });
  }
  if (table.requires !== undefined && !p.options.some((o) => table.requires!.any.includes(o.name))) out.problems.push({ rule: 'state-change', message: `${table.requires.why}.` });
}

type Special = (name: string, p: ParsedArgs, args: readonly string[], out: ReadOnlyJudgement) => void;

const has = (p: ParsedArgs, ...names: string[]) => p.options.some((o) => names.includes(o.name));

/** Verb tables of the systemd and similar tools: the default verb, the read-only verbs, verbs that only read without a value. */
const VERBS: Readonly<Record<string, { readonly dflt: string; readonly read: readonly string[]; readonly queryBare?: readonly string[]; readonly queryLink?: readonly string[] }>> = {
  timedatectl: { dflt: 'status', read: ['status', 'show', 'list-timezones', 'timesync-status', 'show-timesync', 'help'] },
  hostnamectl: { dflt: 'status', read: ['status', 'help'], queryBare: ['hostname', 'icon-name', 'chassis', 'deployment', 'location'] },
  localectl: { dflt: 'status', read: ['status', 'list-locales', 'list-keymaps', 'list-x11-keymap-models', 'list-x11-keymap-layouts', 'list-x11-keymap-variants', 'list-x11-keymap-options', 'help'] },
  networkctl: { dflt: 'list', read: ['list', 'status', 'lldp', 'label', 'cat', 'help'] },
  resolvectl: { dflt: 'status', read: ['query', 'service', 'openpgp', 'tlsa', 'status', 'statistics', 'show-cache', 'show-server-state', 'monitor', 'help'], queryBare: ['log-level'], queryLink: ['dns', 'domain', 'default-route', 'llmnr', 'mdns', 'dnssec', 'dnsovertls', 'nta'] },
  'systemd-analyze': { dflt: 'time', read: ['time', 'blame', 'critical-chain', 'plot', 'dot', 'dump', 'cat-config', 'unit-files', 'unit-paths', 'exit-status', 'capability', 'condition', 'syscall-filter', 'filesystems', 'calendar', 'timestamp', 'timespan', 'security', 'inspect-elf', 'fdstore', 'image-policy', 'pcrs', 'has-tpm2', 'architectures', 'smbios11', 'verify', 'malloc', 'compare-versions', 'help'], queryBare: ['log-level', 'log-target', 'service-watchdogs'] },
  loginctl: { dflt: 'list-sessions', read: ['list-sessions', 'session-status', 'show-session', 'list-users', 'user-status', 'show-user', 'list-seats', 'seat-status', 'show-seat', 'help'] },
  machinectl: { dflt: 'list', read: ['list', 'status', 'show', 'list-images', 'image-status', 'show-image', 'list-transfers', 'help'] },
  busctl: { dflt: 'list', read: ['list', 'status', 'tree', 'introspect', 'monitor', 'capture', 'get-property', 'help'] },
};

const verbs: Special = (name, p, _args, out) => {
  const table = VERBS[name]!;
  const words = p.operands.map((o) => o.value);
  const verb = words[0] ?? table.dflt;
  const rest = words.length - 1;
  if (table.read.includes(verb)) return;
  if (table.queryBare?.includes(verb) && rest <= 0) return;
  if (table.queryLink?.includes(verb) && rest <= 1) return;
  const known = [...table.read, ...(table.queryBare ?? []), ...(table.queryLink ?? [])];
  const setting = table.queryBare?.includes(verb) || table.queryLink?.includes(verb);
  out.problems.push({
    rule: 'state-change',
    message: setting
      ? `${show(name, words)} sets ${verb}; without a value it only shows it.`
      : `${show(name, words)} is not one of the ${name} commands that only read (${known.slice(0, 6).join(', ')}…); procdoc treats it as a change, so it needs a yes.`,
  });
};

/** Awk program text that runs commands, writes files or loads code. */
function awkProgramProblem(text: string): string | null {
  if (/@\s*(load|include|namespace)\b/.test(text)) return 'loads an extension or another awk file (@load, @include)';
  if (/@/.test(text)) return 'calls a function by name (@f()), which can be system()';
  if (/\bsystem\s*\(/.test(text) || /\bsystem\b/.test(text)) return 'runs commands (system)';
  if (/\|/.test(text)) return 'runs commands (a pipe to or from a command)';
  if (/\b(print|printf)\b[^;{}\n]*>/.test(text)) return 'writes files (print > file)';
  if (/\b(getline|fflush|close)\b/.test(text)) return 'reads or closes other files and commands (getline, close, fflush)';
  return null;
}

const awk: Special = (name, p, _args, out) => {
  const gawkWrites: Record<string, [string, string]> = { 'dump-variables': ['awkvars.out', 'dumps its variables to'], 'pretty-print': ['awkprof.out', 'writes the pretty-printed program to'], profile: ['awkprof.out', 'writes its profile to'] };
  for (const o of p.options) {
    const w = gawkWrites[o.name];
    if (w !== undefined) out.writes.push({ path: o.value ?? w[0], how: `${name} ${o.raw} ${w[1]}`, index: o.valueIndex ?? o.index });
    if (['file', 'exec', 'include', 'load', 'debug'].includes(o.name)) {
      const what = o.name === 'load' ? 'loads a compiled extension' : o.name === 'debug' ? 'starts the awk debugger, whose commands can run programs' : o.name === 'include' && o.value === 'inplace' ? 'loads the inplace extension, which rewrites the files it reads' : 'runs an awk program file procdoc cannot see';
      out.problems.push({ rule: 'shell-indirection', message: `${name} ${o.raw}${o.value !== null ? ` ${o.value}` : ''} ${what}. Use a program given on the command line, without ${o.raw}.` });
    }
  }
  const sources = p.options.filter((o) => o.name === 'source').map((o) => o.value ?? '');
  if (!has(p, 'file', 'exec', 'source')) {
    const program = p.operands[0];
    if (program === undefined) return void (p.options.some((o) => ['version', 'help', 'copyright', 'usage'].includes(o.name)) || out.problems.push({ rule: 'unparseable', message: `${name} needs a program.` }));
    sources.push(program.value);
  }
  for (const s of sources) {
    const why = awkProgramProblem(s);
    if (why !== null) out.problems.push({ rule: 'shell-indirection', message: `The ${name} program ${why}. Use a simpler program, or run the commands it would run directly.` });
  }
};

/** Print, delete, quit and substitute scripts without the e or w flags. */
function safeSed(script: string): boolean {
  return script
    .split(/[;\n]/)
    .map((s) => s.trim())
    .every(
      (s) =>
        s === '' ||
        /^(\d+|\$|\/[^/]*\/)?(,(\d+|\$|\/[^/]*\/))?\s*!?\s*[pdqQP=n]$/.test(s) ||
        /^(\d+|\$|\/[^/]*\/)?(,(\d+|\$|\/[^/]*\/))?\s*s([^\\\n\sew])((?:(?!\4).)*)\4((?:(?!\4).)*)\4[gIip0-9mM]*$/.test(s),
    );
}

const sed: Special = (name, p, _args, out) => {
  const scripts = p.options.filter((o) => o.name === 'expression').map((o) => o.value ?? '');
  let files = p.operands;
  if (!has(p, 'expression', 'file')) {
    const first = p.operands[0];
    if (first === undefined) return void (has(p, 'help', 'version') || out.problems.push({ rule: 'unparseable', message: 'sed needs a script.' }));
    scripts.push(first.value);
    files = p.operands.slice(1);
  }
  if (!has(p, 'sandbox') && !scripts.every(safeSed)) {
    out.problems.push({ rule: 'shell-indirection', message: 'The sed script may run commands (e, s///e) or write files (w, s///w); procdoc allows only simple print, delete and substitute scripts. Use a simpler script, or run the commands it would run directly.' });
  }
  if (has(p, 'in-place')) {
    if (files.length === 0) out.problems.push({ rule: 'unparseable', message: 'sed -i needs the files to edit.' });
    for (const f of files) out.writes.push({ path: f.value, how: 'sed -i rewrites', index: f.index });
  }
};

/** The second operand is the output file (uniq IN OUT, xxd IN OUT). */
const outputOperand: Special = (name, p, _args, out) => {
  const o = p.operands[1];
  if (o !== undefined) out.writes.push({ path: o.value, how: `${name} ${p.operands[0]!.value} writes its output to`, index: o.index });
};

const pager: Special = (name, p, _args, out) => {
  for (const o of p.operands) if (o.value.startsWith('+') && !/^\+(\d+|[GgF]|\/[^!|]*)$/.test(o.value)) out.problems.push({ rule: 'shell-indirection', message: `${name} ${o.value} runs pager commands at start, and ! in them runs a shell. Open the file without ${o.value}.` });
};

const SPECIAL: Readonly<Record<string, Special>> = {
  ...Object.fromEntries(Object.keys(VERBS).map((n) => [n, verbs])),
  awk,
  gawk: awk,
  mawk: awk,
  nawk: awk,
  sed,
  uniq: outputOperand,
  xxd: outputOperand,
  less: pager,
  more: pager,
  date: (_n, p, _a, out) => {
    const set = p.operands.find((o) => !o.value.startsWith('+'));
    if (set !== undefined) out.problems.push({ rule: 'state-change', message: `date ${set.value} sets the system clock; a format starts with +.` });
  },
  hostname: (_n, p, _a, out) => {
    if (p.operands.length > 0) out.problems.push({ rule: 'state-change', message: `hostname ${p.operands[0]!.value} sets the host name.` });
  },
  sysctl: (_n, p, _a, out) => {
    const set = p.operands.find((o) => o.value.includes('='));
    if (set !== undefined) out.problems.push({ rule: 'state-change', message: `sysctl ${set.value} changes a kernel setting.` });
  },
  mount: (_n, p, _a, out) => {
    if (p.operands.length > 0 || has(p, 'all')) out.delegate = 'mount';
  },
  fuser: (_n, p, _a, out) => {
    if (has(p, 'kill')) {
      out.problems = out.problems.filter((x) => !x.message.startsWith('fuser -k'));
      out.delegate = 'fuser-kill';
    }
  },
  'nvidia-smi': (_n, p, _a, out) => {
    for (const o of p.operands) if (o.value !== 'topo' || o !== p.operands[0]) out.problems.push({ rule: 'unknown-command', message: `procdoc knows only nvidia-smi's query forms (-q, -L, --query-gpu=…, topo -m); \`nvidia-smi ${o.value}\` may change GPU settings or reset a GPU.` });
  },
  ip: (_n, p, _a, out) => {
    const [object, action] = p.operands.map((o) => o.value);
    if (object === undefined || /^mo(n(i(t(or?)?)?)?)?$/.test(object) || object === 'help') return;
    if (action === undefined || ['show', 'list', 'lst', 'ls', 'sh', 'get', 'help', 'identify', 'pids', 'list-id'].includes(action)) return;
    if (action === 'exec' || action === 'e' || action === 'ex' || action === 'exe') return void out.problems.push({ rule: 'shell-indirection', message: `ip ${object} exec runs a command inside a network namespace or VRF; check that command by itself.` });
    out.problems.push({ rule: 'state-change', message: `ip ${object} ${action} changes the network configuration; ip ${object} show only lists it.` });
  },
  iptables: iptables,
  ip6tables: iptables,
  nft: (_n, p, _a, out) => {
    const words = p.operands.map((o) => o.value);
    if (has(p, 'help', 'version') && words.length === 0) return;
    if ((words[0] === 'list' || words[0] === 'describe') && words.every((w) => /^[\w.:/@*-]+$/.test(w))) return;
    if (words[0] === 'list' || words[0] === 'describe') return void out.problems.push({ rule: 'unknown-command', message: `${show('nft', words)}: nft reads its words as one command line, and ; or other punctuation in them can start another command. List with plain words only (nft list ruleset).` });
    const changes = ['add', 'create', 'insert', 'replace', 'delete', 'destroy', 'flush', 'reset', 'rename', 'import', 'export'].includes(words[0] ?? '');
    out.problems.push(changes ? { rule: 'state-change', message: `${show('nft', words)} changes the firewall rules; nft list ruleset only shows them.` } : { rule: 'unknown-command', message: `procdoc knows only nft's listing commands (nft list …); it does not know what ${show('nft', words)} does.` });
  },
};

function iptables(name: string, p: ParsedArgs, _args: readonly string[], out: ReadOnlyJudgement): void {
  const changing = p.options.filter((o) => ['append', 'delete', 'replace', 'insert', 'flush', 'zero', 'new-chain', 'delete-chain', 'rename-chain', 'policy'].includes(o.name));
  if (changing.length > 0) return void out.problems.push({ rule: 'state-change', message: `${name} ${changing.map((o) => o.raw).join(' ')} changes the firewall rules (${name} -L or -S only lists them).` });
  if (!has(p, 'list', 'list-rules', 'check', 'help', 'version')) out.problems.push({ rule: 'unknown-command', message: `procdoc knows ${name} only as a listing (${name} -L, ${name} -S); this command has none of them.` });
  else if (!has(p, 'check')) {
    const rule = p.options.find((o) => ['protocol', 'source', 'destination', 'jump', 'goto', 'in-interface', 'out-interface', 'fragment', 'match', 'set-counters', 'b'].includes(o.name));
    if (rule !== undefined) out.problems.push({ rule: 'unknown-command', message: `${name} ${rule.raw} is part of a rule, not of a listing; procdoc does not know what it does here.` });
  }
}

/** stty: only -a, -g, -F DEVICE, size and speed read; every setting changes the terminal. */
function judgeStty(args: readonly string[], out: ReadOnlyJudgement): ReadOnlyJudgement {
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '-F' || a === '--file') i++;
    else if (/^(-a|--all|-g|--save|-F.+|--file=.*|size|speed|--help|--version)$/.test(a)) continue;
    else {
      out.problems.push({ rule: 'state-change', message: `stty ${a} changes terminal settings; stty -a only shows them.` });
      return out;
    }
  }
  return out;
}

// --- find --------------------------------------------------------------------

/** find's primaries and how many words each takes (actions that act are judged by the caller). */
const FIND_PRIMARIES: Readonly<Record<string, number>> = {
  ...Object.fromEntries('name iname path ipath wholename iwholename regex iregex lname ilname type xtype user group uid gid perm size mtime atime ctime mmin amin cmin newer anewer cnewer samefile inum links used fstype context maxdepth mindepth regextype printf files0-from'.split(' ').map((n) => [`-${n}`, 1])),
  ...Object.fromEntries('print print0 ls prune quit true false empty readable writable executable nouser nogroup depth xdev mount daystart follow noleaf ignore_readdir_race noignore_readdir_race warn nowarn help version d not a and o or'.split(' ').map((n) => [`-${n}`, 0])),
  '!': 0,
  '(': 0,
  ')': 0,
  ',': 0,
  '-fprint': 1,
  '-fprint0': 1,
  '-fls': 1,
  '-fprintf': 2,
  '-delete': 0,
};
const FIND_EXEC = new Set(['-exec', '-execdir', '-ok', '-okdir']);

/** find's words: start points, and each primary with its index and arguments (an -exec's command up to ; or +). */
export function parseFind(args: readonly string[]): { starts: string[]; primaries: { name: string; index: number; args: string[] }[]; unknown: string[] } {
  let i = 0;
  // Leading options: -H -L -P, -D debugopts, -Olevel.
  while (i < args.length && /^-([HLP]|D|O\d*)$/.test(args[i]!)) i += args[i] === '-D' ? 2 : 1;
  const starts: string[] = [];
  while (i < args.length && !(args[i]!.startsWith('-') || ['!', '(', ')', ','].includes(args[i]!))) starts.push(args[i++]!);
  const primaries: { name: string; index: number; args: string[] }[] = [];
  const unknown: string[] = [];
  for (; i < args.length; i++) {
    const a = args[i]!;
    if (FIND_EXEC.has(a)) {
      let end = i + 1;
      while (end < args.length && args[end] !== ';' && !(args[end] === '+' && args[end - 1] === '{}')) end++;
      primaries.push({ name: a, index: i, args: args.slice(i + 1, end) });
      i = end;
      continue;
    }
    const n = FIND_PRIMARIES[a] ?? (/^-newer[aBcmt][aBcmt]$/.test(a) ? 1 : undefined);
    if (n === undefined) {
      unknown.push(a);
      continue;
    }
    primaries.push({ name: a, index: i, args: args.slice(i + 1, i + 1 + n) });
    i += n;
  }
  return { starts, primaries, unknown };
}

function judgeFindExpression(args: readonly string[]): ReadOnlyJudgement {
  const f = parseFind(args);
  const out: ReadOnlyJudgement = { writes: [], problems: f.unknown.map((u) => ({ rule: 'unknown-command' as const, message: unknownOption('find', u) })) };
  if (f.primaries.some((p) => FIND_EXEC.has(p.name) || p.name === '-delete' || p.name.startsWith('-fprint') || p.name === '-fls')) out.delegate = 'find';
  return out;
}

// --- git ---------------------------------------------------------------------

const GIT_READ = new Set(['status', 'log', 'diff', 'show', 'blame', 'annotate', 'rev-parse', 'rev-list', 'ls-files', 'ls-tree', 'ls-remote', 'cat-file', 'describe', 'shortlog', 'grep', 'whatchanged', 'show-ref', 'for-each-ref', 'name-rev', 'merge-base', 'count-objects', 'version', 'check-ignore', 'check-attr', 'var', 'show-branch', 'cherry', 'diff-tree', 'diff-files', 'diff-index', 'range-diff', 'help']);
/** Subcommand options that write files or run programs (long names; any abbreviation of them too). */
const GIT_DANGER = ['output', 'output-directory', 'ext-diff', 'textconv', 'filters', 'open-files-in-pager', 'upload-pack', 'receive-pack', 'exec', 'run', 'paginate'];
const GIT_GLOBAL_VALUE = new Set(['-C', '--git-dir', '--work-tree', '--namespace', '--super-prefix', '--attr-source', '--list-cmds']);
const GIT_GLOBAL_FLAG = new Set(['--no-pager', '-P', '--bare', '--no-replace-objects', '--no-lazy-fetch', '--literal-pathspecs', '--glob-pathspecs', '--noglob-pathspecs', '--icase-pathspecs', '--no-optional-locks', '--html-path', '--man-path', '--info-path', '--exec-path', '--version', '--help', '-v', '-h']);

function judgeGit(args: readonly string[]): ReadOnlyJudgement {
  const out: ReadOnlyJudgement = { writes: [], problems: [] };
  const bad = (rule: ReadOnlyProblem['rule'], message: string) => void out.problems.push({ rule, message });
  let i = 0;
  for (; i < args.length; i++) {
    const a = args[i]!;
    const eq = a.indexOf('=');
    const key = a.startsWith('--') && eq !== -1 ? a.slice(0, eq) : a;
    if (a === '-c' || a.startsWith('-c') || key === '--config-env') {
      bad('shell-indirection', `git ${a === '-c' ? `-c ${args[i + 1] ?? ''}` : a} sets configuration for this run, and configuration can make git run programs (core.pager, core.fsmonitor, diff.external, alias.x=!cmd). Run git without it.`);
      if (a === '-c' || key === a) i++;
    } else if (key === '--exec-path' && eq !== -1) bad('shell-indirection', `git ${a} runs git's commands from another directory. Run git without it.`);
    else if (a === '-p' || a === '--paginate') bad('shell-indirection', `git ${a} pipes the output through the configured pager, a program procdoc cannot see. Use git --no-pager.`);
    else if (GIT_GLOBAL_VALUE.has(key)) {
      if (eq === -1 || key === '-C') i++;
    } else if (GIT_GLOBAL_FLAG.has(a)) continue;
    else if (a.startsWith('-')) bad('unknown-command', unknownOption('git', a));
    else break;
  }
  const sub = args[i];
  const rest = args.slice(i + 1);
  if (sub === undefined) return out;
  for (const a of rest) {
    if (a === '--') break;
    const long = /^--(?:no-)?([^=]+)/.exec(a)?.[1];
    if (long !== undefined && long !== 'text' && GIT_DANGER.some((d) => d.startsWith(long))) bad('shell-indirection', `git ${sub} ${a} writes a file or runs another program (an external diff, a text conversion, a pager, a remote command). Run git without it.`);
    if (sub === 'grep' && /^-[a-zA-Z]*O/.test(a)) bad('shell-indirection', `git grep ${a} opens the matching files in a pager or editor. Run git grep without -O.`);
  }
  if (GIT_READ.has(sub)) return out;
  const ops = rest.filter((a) => !a.startsWith('-'));
  const flags = rest.filter((a) => a.startsWith('-'));
  const listing = (() => {
    switch (sub) {
      case 'branch':
        return flags.every((f) => /^-(-list|l|a|r|v+|i|-all|-remotes|-verbose|-show-current|-contains|-no-contains|-merged|-no-merged|-points-at|-sort|-format|-color|-no-color|-column|-no-column|-abbrev|-ignore-case|-omit-empty)(=.*)?$/.test(f) || /^-[alrvi]+$/.test(f)) && (ops.length === 0 || flags.some((f) => /^(-l|--list|-[a-z]*l[a-z]*|--contains|--no-contains|--merged|--no-merged|--points-at|--sort|--format)$/.test(f)) || flags.some((f) => f === '--list' || f === '-l'));
      case 'tag':
        return flags.every((f) => /^-(-list|l|n\d*|i|-contains|-no-contains|-merged|-no-merged|-points-at|-sort|-format|-color|-column|-no-column|-ignore-case|-omit-empty)(=.*)?$/.test(f)) && (ops.length === 0 || flags.some((f) => /^(-l|--list|-n\d*)$/.test(f)) || flags.some((f) => /^--(contains|no-contains|merged|no-merged|points-at|sort|format)$/.test(f)));
      case 'remote':
        return (ops.length === 0 && flags.every((f) => f === '-v' || f === '--verbose')) || ['get-url', 'show'].includes(ops[0] ?? '');
      case 'config':
        return ['get', 'list'].includes(ops[0] ?? '') || flags.some((f) => /^(--get(-all|-regexp|-urlmatch|-color|colorbool)?|-l|--list)(=.*)?$/.test(f)) || (ops.length === 1 && flags.every((f) => /^--(global|system|local|worktree|show-origin|show-scope|null|name-only|type=.*|bool|int|path|includes|no-includes)$|^-z$/.test(f)));
      case 'reflog':
        return ops.length === 0 || ['show', 'list', 'exists'].includes(ops[0]!) || !['expire', 'delete', 'drop', 'write'].includes(ops[0]!);
      case 'stash':
        return ['list', 'show'].includes(ops[0] ?? '');
      case 'worktree':
        return ops[0] === 'list';
      case 'notes':
        return ['list', 'show'].includes(ops[0] ?? '');
      case 'submodule':
        return ['status', 'summary'].includes(ops[0] ?? '');
      default:
        return null;
    }
  })();
  if (listing === true) return out;
  if (listing === false) bad('state-change', `\`git ${[sub, ...rest].join(' ')}\` changes the repository (its branches, tags, configuration or stash); only its listing forms (git ${sub}${sub === 'branch' || sub === 'tag' ? ' --list' : sub === 'config' ? ' --get / --list' : sub === 'remote' ? ' -v' : ' list'}) are read-only.`);
  else bad('unknown-command', `procdoc knows only git's read-only commands (status, log, diff, show, blame, rev-parse, ls-files, describe, shortlog, branch --list, tag --list, config --get, remote -v…); \`git ${sub}\` is not one of them (it may change the repository, or be an alias that runs a program). Check what it does.`);
  return out;
}
