import type { Process } from '../snapshot/schema.js';
import { add, alt, merge, newAcc, readOnly, target, type Acc, type JudgeContext } from './acc.js';
import { getopt, type OptionGrammar } from './getopt.js';
import { SIGNAL, parseSignal, signalName } from './signals.js';
import { existing, isSelf, matchable, signalProcess } from './targets.js';
import { quoteArgv } from './parse.js';
import { each, type CommandTable } from './call.js';

const BROAD_COUNT = 5;

/** A signal the command itself rejects: it fails before signalling anything. */
function badSignal(acc: Acc, spec: string, cmd: string, hint = ''): void {
  const numeric = /^\d+$/.test(spec);
  add(
    acc,
    'unparseable',
    `${cmd}: "${spec}" is not a valid signal${numeric ? ' (signal numbers run from 1 to 64)' : ''}, so ${hint === '' ? cmd : `the shell's ${cmd}`} rejects it: the command fails and nothing is signalled.${hint} Use a name such as TERM, HUP or KILL (see \`kill -l\`).`,
  );
}

/**
 * Which kill runs cannot be known from the text: a shell runs its builtin, while sudo, env,
 * xargs, /bin/kill and procdoc exec (argv, no shell) run the program, procps-ng on most hosts.
 * procps-ng 4.0 reads a negative number of two or more digits that is not after -- by its
 * first digit only (a getopt quirk, seen with strace on 4.0.2): `kill -TERM -2000` signals
 * group 2, `kill -9 -1234` and `kill -123 PID` become kill(-1, …), every process.
 */
const PROCPS = 'the kill program (procps-ng 4.0, which sudo, env, xargs and procdoc exec run)';

function misreadGroup(spec: string, sig: number, acc: Acc): void {
  const digit = spec[1]!;
  const name = signalName(sig).replace(/^SIG/, '');
  add(
    acc,
    'unparseable',
    `\`kill -${name} ${spec}\` is read two ways: the shell's builtin signals process group ${spec.slice(1)}, but ${PROCPS} reads ${spec} as -${digit} and signals ${digit === '1' ? 'every process (kill -1)' : `process group ${digit}`} instead. Put -- before it: \`kill -${name} -- ${spec}\` means group ${spec.slice(1)} to both.`,
  );
  if (digit === '1') add(acc, 'broadcast-kill', `Run as the kill program, \`kill -${name} ${spec}\` becomes kill -1: ${signalName(sig)} to every process you may signal. Write \`kill -${name} -- ${spec}\`.`);
  alt(acc, `kill -${name} -- ${spec}`);
}

/** A signal and the operand it goes to, as one reading of a kill command sends it. */
interface Send {
  sig: number;
  spec: string;
}

const sendKey = (s: Send): string => `${s.sig}:${/^[-+]?\d+$/.test(s.spec) ? Number(s.spec) : s.spec}`;

/**
 * kill in all its spellings: bash's builtin (and util-linux's kill, which also stops at the
 * first PID), then procps-ng's kill program, which reads options after the PIDs too. Where
 * they differ the verdict carries both readings' hits.
 */
export function judgeKill(args: readonly string[], ctx: JudgeContext, acc: Acc): void {
  const judged = judgeBuiltinKill(args, ctx, acc);
  judgeProgramReading(args, judged, ctx, acc);
}

/**
 * bash's builtin: options up to the first PID (-s/-n SIG, -sSIG, -nNUM, and one -SIG), then
 * every word is a PID, -N a process group. Returns what it sends, to tell the kill program's
 * reading apart.
 */
function judgeBuiltinKill(args: readonly string[], ctx: JudgeContext, acc: Acc): Set<string> {
  const sends = new Set<string>();
  let sig: number | null = null;
  let dashdash = false;
  let i = 0;
  const first = args[0];
  if (first !== undefined && (first === '-l' || first === '-L' || first === '--list' || first === '--table' || first.startsWith('--list='))) {
    readOnly(acc, 'kill -l');
    return sends;
  }
  for (; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') {
      dashdash = true;
      i++;
      break;
    }
    if (a === '-s' || a === '-n' || a === '--signal') {
      const spec = args[++i];
      if (spec === undefined) return add(acc, 'unparseable', `kill: ${a} needs a signal after it.`), sends;
      sig = parseSignal(spec);
      if (sig === null) return badSignal(acc, spec, 'kill'), sends;
      continue;
    }
    if (a.startsWith('--signal=')) {
      sig = parseSignal(a.slice(9));
      if (sig === null) return badSignal(acc, a.slice(9), 'kill'), sends;
      continue;
    }
    if (a === '-a' || a === '--all' || a === '-p' || a === '--pid' || a === '--verbose') continue;
    if (a === '-q' || a === '--queue' || a === '--timeout') {
      i += a === '--timeout' ? 2 : 1;
      continue;
    }
    if (sig === null && /^-s./.test(a) && parseSignal(a.slice(2)) !== null) {
      sig = parseSignal(a.slice(2));
      continue;
    }
    if (sig === null && a.startsWith('-') && a.length > 1) {
      const parsed = parseSignal(a.slice(1));
      if (parsed === null) {
        if (!/^-\d+$/.test(a)) return badSignal(acc, a.slice(1), 'kill'), sends;
        // The first -N is a signal to the shell's builtin, which rejects it; the kill program may read it as a group.
        const digit = a[1]!;
        if (digit === '1') add(acc, 'broadcast-kill', `Run as the kill program, \`kill ${a}\` becomes kill(-1, SIGTERM): every process you may signal.`);
        badSignal(
          acc,
          a.slice(1),
          'kill',
          ` (Not so ${PROCPS}: it can read ${a} as process group ${digit} and send it SIGTERM${digit === '1' ? ' — kill -1, every process' : ''}.) To signal process group ${a.slice(1)}, write \`kill -TERM -- ${a}\`.`,
        );
        return sends;
      }
      sig = parsed;
      continue;
    }
    break;
  }
  const signal = sig ?? SIGNAL.TERM;
  const pids = args.slice(i);
  if (pids.length === 0) {
    if (args.length === 1 && args[0] === '-1') {
      add(
        acc,
        'broadcast-kill',
        '`kill -1` reads as signal 1 (SIGHUP) with no PID, so bash and the kill program both refuse it; but -1 as a PID means every process you may signal (`kill -TERM -1`), and one more word makes it that. Name the PIDs, or the process group after -- (`kill -TERM -- -PGID`).',
      );
      return sends;
    }
    add(acc, 'unparseable', `kill without a target PID does nothing useful${sig !== null ? ` (here "${args.join(' ')}" reads as signal ${signalName(signal)} with no PID)` : ''}. Give the PID: kill -TERM PID.`);
    return sends;
  }
  for (const spec of pids) sends.add(sendKey({ sig: signal, spec }));
  if (signal === 0) {
    readOnly(acc, 'kill -0');
    return sends;
  }
  for (const spec of pids) {
    if (!dashdash && /^-\d{2,}$/.test(spec)) misreadGroup(spec, signal, acc);
    signalSpec(spec, signal, 'kill', ctx, acc);
  }
  return sends;
}

/**
 * procps-ng's kill, as its src/kill.c reads argv: first skill_sig_option() takes the first
 * word anywhere (even after --) that is `-` and a signal, and removes it; then getopt_long,
 * which permutes, reads -s/--signal (the last one wins, over the -SIG word) and -q anywhere
 * before --, and -l, -L, -h, -V print and exit before anything is sent. One signal goes to
 * every PID. An unknown option that is a digit (a second -N: a group, as kill sees it) sends
 * the signal to one target and exits at once, before the PIDs: 4.0.4 and earlier take
 * `'0' - digit` (-2000 is group 2, -15 is -1), 4.0.5 and later the whole word, or the next
 * word when the digit ended its word.
 */
const PROCPS_KILL_OPTIONS: OptionGrammar = {
  short: { l: 'optional', L: 'none', s: 'required', h: 'none', V: 'none', q: 'required' },
  long: {
    list: { arity: 'optional', as: 'l' },
    table: { arity: 'none', as: 'L' },
    signal: { arity: 'required', as: 's' },
    help: { arity: 'none', as: 'h' },
    version: { arity: 'none', as: 'V' },
    queue: { arity: 'required', as: 'q' },
  },
  permute: true,
};

/** 'old': procps-ng 4.0.0 to 4.0.4 (Debian 12, Ubuntu 24.04); 'new': 4.0.5 and later. */
type ProcpsVersion = 'old' | 'new';

const PROCPS_VERSIONS: Record<ProcpsVersion, string> = { old: 'procps-ng 4.0.4 and earlier', new: 'procps-ng 4.0.5 and later' };

/** signal_name_to_number(): 4.0.4 and earlier take numbers to 93 and EXIT/NULL as 0; later ones any int. */
function procpsSignal(name: string, v: ProcpsVersion): number | null {
  if (/^\d+$/.test(name)) {
    const n = Number(name);
    return n <= (v === 'old' ? 93 : 2 ** 31 - 1) ? n : null;
  }
  if (v === 'old' && /^(SIG)?(EXIT|NULL)$/i.test(name)) return 0;
  return parseSignal(name);
}

/** What procps-ng's kill sends for args; a send that 4.0.4's digit folding made up is `folded`. */
function procpsKill(args: readonly string[], v: ProcpsVersion): (Send & { folded: boolean })[] {
  const words = [...args];
  let sig: number | null = null;
  const at = words.findIndex((w) => w.startsWith('-') && procpsSignal(w.slice(1), v) !== null);
  if (at >= 0) {
    sig = procpsSignal(words[at]!.slice(1), v);
    words.splice(at, 1);
  }
  // kill(2) refuses a signal above 64 (EINVAL): nothing is sent.
  const valid = (n: number | null): boolean => n === null || (n >= 0 && n <= 64);
  const pids: string[] = [];
  for (const p of getopt(words, PROCPS_KILL_OPTIONS)) {
    if (p.kind === 'operand') pids.push(p.value);
    else if (p.kind === 'option' && p.key === 's') sig = procpsSignal(p.value ?? '', v) ?? -1;
    else if (p.kind === 'option' && p.key === 'q') {
      if (!/^[-+]?\d+$/.test(p.value ?? '')) return [];
    } else if (p.kind === 'unknown' && /\d/.test(p.letter)) {
      const word = words[p.index]!;
      const spec = v === 'old' ? `-${p.letter}` : p.rest !== '' ? word : words[p.index + 1];
      if (spec === undefined || !/^[-+]?\d+$/.test(spec) || !valid(sig)) return [];
      return [{ sig: sig ?? SIGNAL.TERM, spec, folded: v === 'old' && spec !== word }];
    } else return []; // -l, -L, -h, -V print and exit; an unknown or malformed option prints usage
  }
  if (!valid(sig)) return [];
  const sends: (Send & { folded: boolean })[] = [];
  // strtol_or_err() exits at the first word that is not a number, after signalling the ones before.
  for (const spec of pids) {
    if (!/^[-+]?\d+$/.test(spec)) break;
    sends.push({ sig: sig ?? SIGNAL.TERM, spec, folded: false });
  }
  return sends;
}

/**
 * Judges what the kill program sends beyond what the builtin reading judged (`judged`):
 * sudo, env, xargs and procdoc exec run the program, a shell runs its builtin, and the text
 * does not say which. Probes (signal 0) are left out: they change nothing. A send made up by
 * 4.0.4's digit folding is left out too: misreadGroup and badSignal already deny those.
 */
function judgeProgramReading(args: readonly string[], judged: Set<string>, ctx: JudgeContext, acc: Acc): void {
  const extra = new Map<string, { send: Send; versions: ProcpsVersion[] }>();
  for (const v of ['old', 'new'] as const) {
    for (const s of procpsKill(args, v)) {
      const key = sendKey(s);
      if (s.sig === 0 || s.folded || judged.has(key)) continue;
      const e = extra.get(key);
      if (!e) extra.set(key, { send: s, versions: [v] });
      else if (!e.versions.includes(v)) e.versions.push(v);
    }
  }
  for (const { send, versions } of extra.values()) {
    const sub = newAcc();
    signalSpec(send.spec, send.sig, 'kill', ctx, sub);
    const which = versions.length === 2 ? 'procps-ng' : PROCPS_VERSIONS[versions[0]!];
    const lead = `The kill program (${which}, which sudo, env, xargs and procdoc exec run) reads options after the PIDs too, so \`kill ${args.join(' ')}\` sends ${signalName(send.sig)} to ${send.spec}: `;
    for (const h of sub.hits) add(acc, h.id, lead + h.message);
    merge(acc, { ...sub, hits: [] });
  }
}

/** One kill operand: PID, -PGID, 0, -1, %job. */
export function signalSpec(spec: string, sig: number, cmd: string, ctx: JudgeContext, acc: Acc): void {
  if (spec.startsWith('%')) {
    add(acc, 'shell-indirection', `${cmd} ${spec}: a job spec refers to the jobs of the shell that runs it, which procdoc cannot see. Use the PID (jobs -l shows it).`);
    return;
  }
  if (!/^-?\d+$/.test(spec)) {
    add(acc, 'unparseable', `${cmd}: "${spec}" is not a PID. Give numeric PIDs (find them with pgrep or procdoc snapshot), or use pkill with a pattern.`);
    return;
  }
  const n = Number(spec);
  if (n === -1) {
    add(acc, 'broadcast-kill', `${cmd} -1 sends ${signalName(sig)} to every process you may signal — as root, every process on the machine but init. Name the PIDs or the process group instead.`);
    return;
  }
  if (n === 0) {
    const self = ctx.idx.process(ctx.idx.snapshot.self.pid);
    add(acc, 'target-self', `PID 0 means the caller's own process group${self ? ` (group ${self.pgid})` : ''}: it would signal the shell that runs the command. Name the PIDs to signal.`);
    return;
  }
  if (n < 0) {
    const pgid = -n;
    const members = ctx.idx.group(pgid);
    if (members.length === 0) {
      target(acc, { pid: pgid });
      add(acc, 'target-not-found', `There is no process group ${pgid} now (the "-${pgid}" form signals a whole group). Look again with \`ps -o pid,pgid,comm -g ${pgid}\`.`);
      return;
    }
    for (const p of members) signalProcess(p, sig, ctx, acc, pgid);
    return;
  }
  const p = existing(n, ctx, acc, `sending ${signalName(sig)}`);
  if (p) signalProcess(p, sig, ctx, acc);
}

/**
 * GNU getopt_long takes a unique abbreviation of a long option (`--sig KILL` is --signal);
 * spelled out here so that the parsers below see the full name. Ambiguous ones stay as they are.
 */
function unabbreviate(args: readonly string[], names: readonly string[]): string[] {
  const end = args.indexOf('--');
  return args.map((a, i) => {
    if ((end >= 0 && i >= end) || !a.startsWith('--') || a === '--') return a;
    const eq = a.indexOf('=');
    const name = a.slice(2, eq < 0 ? undefined : eq);
    if (names.includes(name)) return a;
    const matches = names.filter((n) => n.startsWith(name));
    return matches.length === 1 ? `--${matches[0]}${eq < 0 ? '' : a.slice(eq)}` : a;
  });
}

/** pgrep.c's long options (procps-ng 4.0). */
const PKILL_LONG = ['signal', 'ignore-ancestors', 'require-handler', 'count', 'cgroup', 'delimiter', 'list-name', 'list-full', 'full', 'pgroup', 'group', 'ignore-case', 'newest', 'oldest', 'older', 'pid', 'parent', 'session', 'terminal', 'euid', 'uid', 'inverse', 'lightweight', 'exact', 'pidfile', 'logpidfile', 'echo', 'ns', 'nslist', 'queue', 'quiet', 'runstates', 'env', 'shell-quote', 'mrelease', 'help', 'version'];

/** psmisc killall's long options. */
const KILLALL_LONG = ['exact', 'ignore-case', 'process-group', 'younger-than', 'older-than', 'interactive', 'list', 'quiet', 'regexp', 'signal', 'user', 'verbose', 'wait', 'ns', 'context', 'version', 'help'];

interface MatchSpec {
  pattern: string | null;
  full: boolean;
  exact: boolean;
  ignoreCase: boolean;
  inverse: boolean;
  euids: string[] | null;
  uids: string[] | null;
  pgroups: number[] | null;
  sessions: number[] | null;
  parents: number[] | null;
  terminals: string[] | null;
  newest: boolean;
  oldest: boolean;
}

function userMatches(p: Process, users: string[]): boolean {
  return users.some((u) => (/^\d+$/.test(u) ? p.uid === Number(u) : p.user === u));
}

function list(v: string): string[] {
  return v.split(',').filter((s) => s !== '');
}

/** The processes a pkill/pgrep would hit now: the blast radius. */
export function expandPattern(spec: MatchSpec, ctx: JudgeContext, acc: Acc, cmd: string): Process[] | null {
  let re: RegExp | null = null;
  if (spec.pattern !== null) {
    try {
      const body = spec.exact ? `^(?:${spec.pattern})$` : spec.pattern;
      re = new RegExp(body, spec.ignoreCase ? 'i' : '');
    } catch {
      add(acc, 'unparseable', `${cmd}: "${spec.pattern}" is not a valid regular expression. Quote it and escape special characters.`);
      return null;
    }
  }
  const selfPgid = ctx.idx.process(ctx.idx.snapshot.self.pid)?.pgid;
  const selfSid = ctx.idx.process(ctx.idx.snapshot.self.pid)?.sid;
  let matched = matchable(ctx).filter((p) => {
    const text = spec.full && p.argv.length > 0 ? p.argv.join(' ') : p.comm;
    let ok = re === null || re.test(text);
    if (spec.inverse) ok = !ok;
    if (!ok) return false;
    if (spec.euids && !userMatches(p, spec.euids)) return false;
    if (spec.uids && !userMatches(p, spec.uids)) return false;
    if (spec.pgroups && !spec.pgroups.some((g) => (g === 0 ? p.pgid === selfPgid : p.pgid === g))) return false;
    if (spec.sessions && !spec.sessions.some((s) => (s === 0 ? p.sid === selfSid : p.sid === s))) return false;
    if (spec.parents && !spec.parents.includes(p.ppid)) return false;
    if (spec.terminals && !spec.terminals.some((t) => p.tty === t || p.tty === t.replace(/^\/dev\//, ''))) return false;
    return true;
  });
  if (spec.newest || spec.oldest) {
    const sorted = [...matched].sort((a, b) => a.startTime - b.startTime);
    const pick = spec.newest ? sorted.at(-1) : sorted[0];
    matched = pick ? [pick] : [];
  }
  return matched;
}

/**
 * Judges signalling what a pattern matched. `pgrep` is the argv that lists the same
 * processes, offered when nothing matches.
 */
function judgeMatches(matched: Process[], sig: number, cmd: string, describeSpec: string, broadBecause: string | null, pgrep: readonly string[], ctx: JudgeContext, acc: Acc): void {
  if (matched.length === 0) {
    const when = ctx.saved ? 'in the saved snapshot, so it would have done nothing when that was taken' : 'now, so it would do nothing';
    add(acc, 'target-not-found', `${cmd} ${describeSpec} matches no process ${when}. Check the name with \`${quoteArgv(pgrep)}\` or \`procdoc snapshot\`.`);
    return;
  }
  const comms = [...new Set(matched.map((p) => p.comm))];
  const reason =
    broadBecause ??
    (matched.length > BROAD_COUNT ? `it matches ${matched.length} processes` : comms.length > 1 ? `it matches different programs (${comms.slice(0, 6).join(', ')})` : null);
  const list = matched
    .slice(0, 8)
    .map((p) => `${p.pid} ${p.comm}`)
    .join(', ');
  if (reason !== null) {
    add(acc, 'broad-match', `${cmd} ${describeSpec}: ${reason} — ${list}${matched.length > 8 ? ', …' : ''}. Name the exact PIDs, or use -x for an exact name.`);
  }
  if (sig === 0) return;
  const selfHit = matched.filter((p) => isSelf(p, ctx) !== null);
  if (selfHit.length > 0) {
    add(acc, 'target-self', `${cmd} ${describeSpec} also matches ${selfHit.map((p) => `PID ${p.pid} (${p.comm})`).join(', ')}: procdoc or the shell that asked. Narrow the pattern (-x, a longer name) or name PIDs.`);
  }
  for (const p of matched) signalProcess(p, sig, ctx, acc, null, `${cmd} ${describeSpec}`);
  if (matched.length === 1 && matched[0]) alt(acc, `kill -${signalName(sig).replace(/^SIG/, '')} ${matched[0].pid}`);
}

/** pkill / pgrep (procps). */
export function judgePkill(name: 'pkill' | 'pgrep', given: readonly string[], ctx: JudgeContext, acc: Acc): void {
  if (name === 'pgrep') {
    readOnly(acc, 'pgrep');
    return;
  }
  const args = unabbreviate(given, PKILL_LONG);
  const spec: MatchSpec = { pattern: null, full: false, exact: false, ignoreCase: false, inverse: false, euids: null, uids: null, pgroups: null, sessions: null, parents: null, terminals: null, newest: false, oldest: false };
  // pgrep.c's signal_option() takes the first word anywhere that is '-' and a signal, before
  // getopt: `pkill -x nginx -HUP` is SIGHUP, not -H -U P.
  const sigAt = args.findIndex((a) => /^-[^-]/.test(a) && parseSignal(a.slice(1)) !== null);
  let sig: number | null = sigAt >= 0 ? parseSignal(args[sigAt]!.slice(1)) : null;
  if (sigAt >= 0) args.splice(sigAt, 1);
  const positional: string[] = [];
  const valueOpts: Record<string, (v: string) => boolean> = {
    '--signal': (v) => (sig = parseSignal(v)) !== null,
    '-u': (v) => !!(spec.euids = list(v)),
    '--euid': (v) => !!(spec.euids = list(v)),
    '-U': (v) => !!(spec.uids = list(v)),
    '--uid': (v) => !!(spec.uids = list(v)),
    '-g': (v) => !!(spec.pgroups = list(v).map(Number)),
    '--pgroup': (v) => !!(spec.pgroups = list(v).map(Number)),
    '-s': (v) => !!(spec.sessions = list(v).map(Number)),
    '--session': (v) => !!(spec.sessions = list(v).map(Number)),
    '-P': (v) => !!(spec.parents = list(v).map(Number)),
    '--parent': (v) => !!(spec.parents = list(v).map(Number)),
    '-t': (v) => !!(spec.terminals = list(v)),
    '--terminal': (v) => !!(spec.terminals = list(v)),
    '-G': () => true,
    '--group': () => true,
    '-q': () => true,
    '--queue': () => true,
    '-O': () => true,
    '--older': () => true,
    '-r': () => true,
    '--runstates': () => true,
    '--ns': () => true,
    '--nslist': () => true,
    '--cgroup': () => true,
    '--env': () => true,
  };
  const flags: Record<string, () => void> = {
    f: () => (spec.full = true),
    x: () => (spec.exact = true),
    i: () => (spec.ignoreCase = true),
    v: () => (spec.inverse = true),
    n: () => (spec.newest = true),
    o: () => (spec.oldest = true),
    e: () => undefined,
    c: () => undefined,
    H: () => undefined,
    w: () => undefined,
  };
  const longFlags: Record<string, string> = { '--full': 'f', '--exact': 'x', '--ignore-case': 'i', '--inverse': 'v', '--newest': 'n', '--oldest': 'o', '--echo': 'e', '--count': 'c', '--require-handler': 'H' };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') {
      positional.push(...args.slice(i + 1));
      break;
    }
    if (a === '-F' || a === '--pidfile' || a.startsWith('--pidfile=') || a.startsWith('-F')) {
      add(acc, 'shell-indirection', `pkill -F reads its targets from a PID file, whose content procdoc cannot know now. Read the file and name the PID.`);
      return;
    }
    const eq = a.indexOf('=');
    if (a.startsWith('--') && eq > 0 && valueOpts[a.slice(0, eq)]) {
      if (!valueOpts[a.slice(0, eq)]!(a.slice(eq + 1))) return badSignal(acc, a.slice(eq + 1), 'pkill');
      continue;
    }
    if (valueOpts[a]) {
      const v = args[++i];
      if (v === undefined) return void add(acc, 'unparseable', `pkill: ${a} needs a value.`);
      if (!valueOpts[a](v)) return badSignal(acc, v, 'pkill');
      continue;
    }
    if (longFlags[a]) {
      flags[longFlags[a]]!();
      continue;
    }
    if (a.startsWith('-') && a.length > 1 && !a.startsWith('--')) {
      const body = a.slice(1);
      const letters = body.split('');
      const valueLetter = letters.findIndex((l) => valueOpts[`-${l}`]);
      if (valueLetter >= 0) {
        for (const l of letters.slice(0, valueLetter)) flags[l]?.();
        const rest = body.slice(valueLetter + 1);
        const v = rest !== '' ? rest : args[++i];
        if (v === undefined) return void add(acc, 'unparseable', `pkill: -${letters[valueLetter]} needs a value.`);
        if (!valueOpts[`-${letters[valueLetter]}`]!(v)) return badSignal(acc, v, 'pkill');
        continue;
      }
      if (letters.every((l) => flags[l])) {
        for (const l of letters) flags[l]!();
        continue;
      }
      if (parseSignal(body) !== null) {
        sig = parseSignal(body);
        continue;
      }
      add(acc, 'unparseable', `pkill: unknown option ${a}. See \`man pkill\`.`);
      return;
    }
    positional.push(a);
  }
  if (positional.length > 1) return void add(acc, 'unparseable', `pkill takes one pattern; got ${positional.length} (${positional.join(' ')}). Combine them as one regular expression (a|b).`);
  spec.pattern = positional[0] ?? null;
  const hasCriteria = spec.euids || spec.uids || spec.pgroups || spec.sessions || spec.parents || spec.terminals;
  if (spec.pattern === null && !hasCriteria) return void add(acc, 'unparseable', 'pkill needs a pattern or a selection option (-u, -g, -P, …).');
  const signal = sig ?? SIGNAL.TERM;
  const matched = expandPattern(spec, ctx, acc, 'pkill');
  if (matched === null) return;
  const describeSpec = [spec.full ? '-f' : '', spec.exact ? '-x' : '', spec.inverse ? '-v' : '', spec.euids ? `-u ${spec.euids.join(',')}` : '', spec.pattern !== null ? quoteArgv([spec.pattern]) : '']
    .filter(Boolean)
    .join(' ');
  let broad: string | null = null;
  if (spec.inverse) broad = 'with -v it hits every process that does NOT match';
  else if (spec.pattern !== null && (spec.pattern.length < 3 || new RegExp(spec.pattern.length > 0 ? spec.pattern : '^').test(''))) broad = `the pattern '${spec.pattern}' is so short or loose that it matches almost anything`;
  else if (spec.pattern === null) broad = 'it selects by owner, group or parent alone, not by name';
  else if (spec.full && !spec.exact) broad = null;
  const pgrep = ['pgrep', '-a', ...(spec.full ? ['-f'] : []), ...(spec.exact ? ['-x'] : []), ...(spec.ignoreCase ? ['-i'] : []), ...(spec.inverse ? ['-v'] : []), ...(spec.euids ? ['-u', spec.euids.join(',')] : []), ...(spec.pattern !== null ? [spec.pattern] : [])];
  judgeMatches(matched, signal, 'pkill', describeSpec, broad, pgrep, ctx, acc);
}

/** killall (psmisc). */
export function judgeKillall(given: readonly string[], ctx: JudgeContext, acc: Acc): void {
  const args = unabbreviate(given, KILLALL_LONG);
  let sig: number | null = null;
  let exact = false;
  let ignoreCase = false;
  let regex = false;
  let groups = false;
  let user: string | null = null;
  const names: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') {
      names.push(...args.slice(i + 1));
      break;
    }
    if (a === '-l' || a === '--list' || a === '-V' || a === '--version') {
      readOnly(acc, 'killall -l');
      return;
    }
    if (a === '-s' || a === '--signal' || a.startsWith('--signal=')) {
      const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : args[++i];
      sig = v === undefined ? null : parseSignal(v);
      if (sig === null) return badSignal(acc, v ?? '', 'killall');
      continue;
    }
    if (a === '-u' || a === '--user' || a.startsWith('--user=')) {
      user = a.includes('=') ? a.slice(a.indexOf('=') + 1) : (args[++i] ?? null);
      continue;
    }
    if (['-y', '--younger-than', '-o', '--older-than', '-n', '--ns', '-Z', '--context'].includes(a)) {
      i++;
      continue;
    }
    if (a.startsWith('-') && a.length > 1 && !a.startsWith('--')) {
      const body = a.slice(1);
      const letters = body.split('');
      const known = 'eIgiqrvwE';
      if (letters.every((l) => known.includes(l))) {
        if (letters.includes('e')) exact = true;
        if (letters.includes('I')) ignoreCase = true;
        if (letters.includes('r')) regex = true;
        if (letters.includes('g')) groups = true;
        continue;
      }
      // -s takes the rest of the word as its value (-s9, -sKILL), as getopt does.
      const spec = body.startsWith('s') && body.length > 1 && parseSignal(body) === null ? body.slice(1) : body;
      const parsed = parseSignal(spec);
      if (parsed === null) return badSignal(acc, spec, 'killall');
      sig = parsed;
      continue;
    }
    if (a === '--exact') exact = true;
    else if (a === '--ignore-case') ignoreCase = true;
    else if (a === '--regexp') regex = true;
    else if (a === '--process-group') groups = true;
    else if (a.startsWith('--')) continue;
    else names.push(a);
  }
  const signal = sig ?? SIGNAL.TERM;
  if (names.length === 0 && user === null) return void add(acc, 'unparseable', 'killall needs a process name (or -u USER).');
  // Compiled once, not once per process: a host has thousands.
  const patterns: RegExp[] = [];
  if (regex) {
    for (const n of names) {
      try {
        patterns.push(new RegExp(n, ignoreCase ? 'i' : ''));
      } catch {
        return void add(acc, 'unparseable', `killall -r: "${n}" is not a valid regular expression. Quote it and escape special characters.`);
      }
    }
  }
  const eq = (x: string, y: string) => (ignoreCase ? x.toLowerCase() === y.toLowerCase() : x === y);
  const named = (p: Process, n: string): boolean => {
    if (n.includes('/')) return p.exe === n;
    const argv0 = (p.argv[0] ?? '').split('/').pop() ?? '';
    return eq(p.comm, n) || (!exact && n.length >= 15 && eq(p.comm, n.slice(0, 15))) || eq(argv0, n);
  };
  const matched: Process[] = [];
  const candidates = matchable(ctx);
  for (const p of candidates) {
    if (user !== null && !userMatches(p, [user])) continue;
    const hitName = names.length === 0 || (regex ? patterns.some((re) => re.test(p.comm)) : names.some((n) => named(p, n)));
    if (hitName) matched.push(p);
  }
  let expanded = matched;
  if (groups) {
    const pgids = new Set(matched.map((p) => p.pgid));
    expanded = candidates.filter((p) => pgids.has(p.pgid));
  }
  const describeSpec = [user !== null ? `-u ${user}` : '', ...names].filter(Boolean).join(' ');
  const broad = names.length === 0 ? `it selects every process of user ${user ?? ''}` : regex ? null : null;
  const pgrep = ['pgrep', '-a', ...(ignoreCase ? ['-i'] : []), ...(user !== null ? ['-u', user] : []), ...(names.length === 1 ? (regex ? [names[0]!] : ['-x', names[0]!]) : names.length > 1 ? [regex ? names.join('|') : `^(${names.join('|')})$`] : [])];
  judgeMatches(expanded, signal, 'killall', describeSpec, broad, pgrep, ctx, acc);
}

/**
 * skill (procps): `skill [-SIGNAL] [options] expression`, where -c COMMAND, -u USER, -t TTY
 * and -p PID select, and a bare word is guessed as one of those. Kinds combine with AND,
 * several of one kind with OR. Judged as the pkill that selects the same processes.
 */
export function judgeSkill(args: readonly string[], ctx: JudgeContext, acc: Acc): void {
  let sig: number | null = null;
  const sel = { c: [] as string[], u: [] as string[], t: [] as string[], p: [] as string[] };
  const kinds: Record<string, keyof typeof sel> = { '-c': 'c', '--command': 'c', '-u': 'u', '--user': 'u', '-t': 't', '--tty': 't', '-p': 'p', '--pid': 'p' };
  const users = new Set(ctx.idx.snapshot.processes.flatMap((p) => [p.user, String(p.uid)]));
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (['-l', '-L', '--list', '--table', '-V', '--version', '-h', '--help', '-n', '--no-action'].includes(a)) return readOnly(acc, `skill ${a}`);
    const kind = kinds[a];
    if (kind !== undefined) {
      const v = args[++i];
      if (v === undefined) return void add(acc, 'unparseable', `skill: ${a} needs a value.`);
      sel[kind].push(v);
      continue;
    }
    if (a === '--ns' || a === '--nslist') {
      i++;
      continue;
    }
    if (['-f', '--fast', '-i', '--interactive', '-v', '--verbose', '-w', '--warnings'].includes(a)) continue;
    if (a.startsWith('-') && a.length > 1) {
      const parsed = parseSignal(a.slice(1));
      if (parsed === null || sig !== null) return void add(acc, 'unparseable', `skill: ${a} is neither a signal nor an option skill knows. See \`man skill\`.`);
      sig = parsed;
      continue;
    }
    // A bare word: skill guesses what it names.
    if (/^\d+$/.test(a)) sel.p.push(a);
    else if (users.has(a)) sel.u.push(a);
    else if (/^(pts\/\d+|tty\w*|console)$/.test(a.replace(/^\/dev\//, ''))) sel.t.push(a);
    else sel.c.push(a);
  }
  if (Object.values(sel).every((v) => v.length === 0)) return void add(acc, 'unparseable', 'skill needs something to select: -c COMMAND, -u USER, -t TTY or -p PID.');
  const signal = sig ?? SIGNAL.TERM;
  const matched = matchable(ctx).filter(
    (p) =>
      (sel.c.length === 0 || sel.c.includes(p.comm)) &&
      (sel.u.length === 0 || userMatches(p, sel.u)) &&
      (sel.t.length === 0 || sel.t.some((t) => p.tty === t.replace(/^\/dev\//, ''))) &&
      (sel.p.length === 0 || sel.p.includes(String(p.pid))),
  );
  const describeSpec = [...sel.c.map((v) => `-c ${v}`), ...sel.u.map((v) => `-u ${v}`), ...sel.t.map((v) => `-t ${v}`), ...sel.p.map((v) => `-p ${v}`)].join(' ');
  const broad = sel.c.length === 0 && sel.p.length === 0 ? 'it selects by user or terminal alone, not by name' : null;
  const pgrep = ['pgrep', '-a', ...(sel.u.length > 0 ? ['-u', sel.u.join(',')] : []), ...(sel.t.length > 0 ? ['-t', sel.t.join(',')] : []), ...(sel.c.length > 0 ? ['-x', sel.c.join('|')] : [])];
  judgeMatches(matched, signal, 'skill', describeSpec, broad, pgrep, ctx, acc);
}

/** killall5 signals every process outside the caller's session. */
export function judgeKillall5(acc: Acc): void {
  add(acc, 'broadcast-kill', 'killall5 signals every process except those in the caller\'s session and kernel threads: it is a shutdown tool. Name the PIDs, or use the unit or process group.');
}


/** The signals family: kill and the programs that pick processes by name or user. */
export const SIGNAL_COMMANDS: CommandTable = {
  kill: ({ args, ctx, acc }) => judgeKill(args, ctx, acc),
  ...each(['pkill', 'pgrep'], ({ name, args, ctx, acc }) => judgePkill(name as 'pkill' | 'pgrep', args, ctx, acc)),
  killall: ({ args, ctx, acc }) => judgeKillall(args, ctx, acc),
  killall5: ({ acc }) => judgeKillall5(acc),
  skill: ({ args, ctx, acc }) => judgeSkill(args, ctx, acc),
  ...each(['snice', 'xkill', 'tkill'], ({ name, acc }) => add(acc, 'broad-match', `${name} selects processes by loose criteria (user, terminal, command); use kill with PIDs, or pkill -x, so the targets can be checked.`)),
};
