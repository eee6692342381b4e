import type { SnapshotIndex } from '../snapshot/query.js';
import type { Process } from '../snapshot/schema.js';

/**
 * A small deterministic parser for the questions procdoc answers without an LLM, and for
 * telling the context builder which processes a question is about. Keywords, pids, names
 * that exist in the snapshot, thresholds; nothing clever.
 */
export type QuestionFamily =
  | 'top-cpu'
  | 'top-memory'
  | 'stuck'
  | 'zombies'
  | 'oom'
  | 'pressure'
  | 'who-manages'
  | 'safe'
  | 'tree'
  | 'overview'
  | 'unknown';

export interface Threshold {
  metric: 'cpu' | 'memory';
  op: '>' | '<';
  /** Percent for cpu; bytes, or percent of host memory when `percent`, for memory. */
  value: number;
  percent: boolean;
}

export interface Intent {
  family: QuestionFamily;
  /** PIDs named in the question that exist in the snapshot. */
  pids: number[];
  /** PIDs named in the question that do not exist. */
  missingPids: number[];
  /** Process or unit names from the question that match something in the snapshot. */
  names: string[];
  units: string[];
  threshold: Threshold | null;
  user: string | null;
  withParents: boolean;
  /** The command in "is it safe to run CMD" / "can I kill X", when there is one. */
  command: string | null;
  limit: number;
}

const STOPWORDS = new Set(
  'a an the is are was were be been what which who whom why how when where all any of in on to for with by from and or not no it its this that these those my our your their them they me i we you do does did can could should would will shall may might must than over under above below more less most least top process processes proc procs pid pids using use uses used much many memory cpu ram time running run stuck hung hang hanging slow frozen safe kill killing tree children child parent parents manages managed manage owns owner own started start who whose zombie zombies oom killed throttled throttling pressure show list give find me please about there here has have had get got high low big biggest largest heaviest hog hogs eating consuming consumer consumers'.split(
    ' ',
  ),
);

const has = (q: string, re: RegExp): boolean => re.test(q);

function parseSize(n: number, unit: string | undefined): number {
  switch ((unit ?? '').toLowerCase()) {
    case 'k':
    case 'kb':
    case 'kib':
      return n * 2 ** 10;
    case 'm':
    case 'mb':
    case 'mib':
      return n * 2 ** 20;
    case 'g':
    case 'gb':
    case 'gib':
      return n * 2 ** 30;
    default:
      return n;
  }
}

function parseThreshold(q: string): Threshold | null {
  const cmp = '(over|above|more than|greater than|at least|>=?|exceeding|under|below|less than|<=?)';
  const pctRe = new RegExp(`${cmp}\\s*(\\d+(?:\\.\\d+)?)\\s*%\\s*(cpu|memory|mem|ram)?`, 'i');
  const m = pctRe.exec(q);
  if (m) {
    const op = /under|below|less|</i.test(m[1]!) ? '<' : '>';
    const metric = m[3] !== undefined ? (/cpu/i.test(m[3]) ? 'cpu' : 'memory') : /\b(memory|mem|ram|rss)\b/i.test(q) && !/\bcpu\b/i.test(q) ? 'memory' : 'cpu';
    return { metric, op, value: Number(m[2]), percent: true };
  }
  const sizeRe = new RegExp(`${cmp}\\s*(\\d+(?:\\.\\d+)?)\\s*(k|kb|kib|m|mb|mib|g|gb|gib)\\b`, 'i');
  const s = sizeRe.exec(q);
  if (s) {
    const op = /under|below|less|</i.test(s[1]!) ? '<' : '>';
    return { metric: 'memory', op, value: parseSize(Number(s[2]), s[3]), percent: false };
  }
  return null;
}

function commandIn(q: string): string | null {
  const quoted = /`([^`]+)`|"([^"]+)"|'([^']+)'/.exec(q);
  if (quoted) return (quoted[1] ?? quoted[2] ?? quoted[3] ?? '').trim() || null;
  const run = /\b(?:safe|ok|okay|fine|allowed)\b.*?\bto\s+(?:run|execute|do)\s+(.+?)[?.!]*$/i.exec(q);
  if (run) return run[1]!.trim();
  const kill = /\b((?:sudo\s+)?(?:kill|pkill|killall|systemctl|renice|docker|podman|reboot|shutdown|rm)\b.*?)[?.!]*$/i.exec(q);
  if (kill && /\b(safe|ok|okay|can i|should i|allowed|what happens)\b/i.test(q) && /\d|-\w|\bstop\b|\brestart\b|\w+\.service/.test(kill[1]!)) {
    return kill[1]!.trim();
  }
  return null;
}

export function processNames(p: Process): string[] {
  const argv0 = (p.argv[0] ?? '').split(/\s+/)[0]?.split('/').pop() ?? '';
  return [p.comm.toLowerCase(), argv0.toLowerCase()].filter((n) => n !== '');
}

/** Whether a process answers to a name from the question ("python" matches python3). */
export function matchesName(p: Process, name: string): boolean {
  const n = name.toLowerCase();
  if (p.owner.unit && (p.owner.unit.name.toLowerCase() === n || p.owner.unit.name.toLowerCase() === `${n}.service`)) return true;
  return processNames(p).some((pn) => pn === n || (n.length >= 4 && pn.startsWith(n) && /^[\d.-]*$/.test(pn.slice(n.length))));
}

/**
 * Whether number `n` is an argument of the program named just before it ("sleep 1000",
 * "tail -n 50"), not a PID: the name is a running program's and `n` is no process of that
 * name ("nginx 4711", with 4711 an nginx, stays a PID).
 */
function argumentOf(before: string, n: number, index: SnapshotIndex): boolean {
  const m = /([a-z_][a-z0-9_.@-]*)(?:\s+-{1,2}[a-z][\w-]*)?\s+$/.exec(before);
  const word = m?.[1];
  if (word === undefined || STOPWORDS.has(word)) return false;
  const named = index.process(n);
  if (named !== undefined && processNames(named).includes(word)) return false;
  return index.snapshot.processes.some((p) => processNames(p).includes(word));
}

export function parseQuestion(question: string, index: SnapshotIndex): Intent {
  const q = question.trim();
  const lower = q.toLowerCase();
  const command = commandIn(q);
  // A number right after a command's name is its argument ("the sleep 1000 pipeline", "tail -n 50"), not a PID, unless it says pid.
  const pidCandidates = [...lower.matchAll(/\b(pid\s*)?(\d{1,7})\b(?!\s*(?:%|k|kb|kib|m|mb|mib|g|gb|gib)\b)/g)]
    .filter((m) => m[1] !== undefined || !argumentOf(lower.slice(0, m.index), Number(m[2]), index))
    .map((m) => Number(m[2]));
  const threshold = parseThreshold(q);
  const pids: number[] = [];
  const missingPids: number[] = [];
  const limitMatch = /\btop\s+(\d{1,3})\b/i.exec(q);
  for (const n of new Set(pidCandidates)) {
    if (threshold && n === threshold.value) continue;
    if (limitMatch && n === Number(limitMatch[1])) continue;
    if (index.process(n)) pids.push(n);
    else if (/\bpid\b|process\s+\d|\(\d+\)|^\d+$/.test(lower) || n > 99) missingPids.push(n);
  }
  const units = [...q.matchAll(/\b([\w@.-]+\.(?:service|scope|slice|timer|socket))\b/g)].map((m) => m[1]!);
  const words = [...new Set(lower.match(/[a-z_][a-z0-9_.@-]*/g) ?? [])].map((w) => w.replace(/[.]+$/, '')).filter((w) => w.length >= 2 && !STOPWORDS.has(w));
  const names = words.filter(
    (w) => index.snapshot.processes.some((p) => matchesName(p, w)) || index.snapshot.units.some((u) => u.name === w || u.name === `${w}.service`),
  );
  const userMatch = /\b(?:user|owned by|run by|belonging to)\s+([a-z_][a-z0-9_-]*)/i.exec(q);

  let family: QuestionFamily = 'unknown';
  if (has(lower, /\bzombie|defunct|unreaped/)) family = 'zombies';
  else if (has(lower, /\boom\b|out of memory|oom[- ]?kill|killed by the kernel|memory kill/)) family = 'oom';
  else if (has(lower, /\bsafe\b|\bcan i (kill|stop|restart|run)|\bshould i (kill|stop|restart|run)|\bok(ay)? to (kill|run|stop|restart)|what happens if i/)) family = 'safe';
  else if (has(lower, /\bwho (manages|owns|started|spawned|launched|runs|restarts)|\bmanaged by|\bwhat (unit|service|started)|\bowner of|\bsupervis|\bwhich (unit|service|container)|\brespawn/)) family = 'who-manages';
  else if (has(lower, /\btree\b|\bchildren\b|\bchild processes\b|\bdescendants\b|\bsubprocesses\b/)) family = 'tree';
  else if (has(lower, /\bthrottl|\bpressure\b|\bpsi\b|\bcpu quota\b|\bstall/)) family = 'pressure';
  else if (has(lower, /\bstuck\b|\bhung\b|\bhang(s|ing)?\b|\bslow\b|\bfrozen\b|\bfreez|\bnot (making progress|progressing|responding|doing anything)|\bblocked\b|\bwaiting\b|\bno output\b|\bstalled?\b/)) family = 'stuck';
  else if (has(lower, /\b(cpu|processor|busy|load)\b/) && has(lower, /\btop\b|\bmost\b|\bhighest\b|\bhog|\bwhich|\bwhat|\bwho|\ball\b|\blist|\bshow|\bover\b|\babove\b|%|\busing\b|\beating\b|\bconsum/)) family = 'top-cpu';
  else if (has(lower, /\b(memory|mem|ram|rss|swap)\b/) && has(lower, /\btop\b|\bmost\b|\bhighest\b|\bhog|\bwhich|\bwhat|\bwho|\ball\b|\blist|\bshow|\bover\b|\babove\b|%|\busing\b|\beating\b|\bconsum|\bleak/)) family = 'top-memory';
  else if (threshold) family = threshold.metric === 'cpu' ? 'top-cpu' : 'top-memory';
  else if (has(lower, /\bwhat('?s| is) wrong|\bproblems?\b|\bissues?\b|\bdiagnos|\bhealth|\banything (wrong|bad)|\boverview|\bstatus\b|\bsummary\b|\bfindings?\b/)) family = 'overview';

  return {
    family,
    pids,
    missingPids,
    names,
    units,
    threshold,
    user: userMatch?.[1] ?? null,
    withParents: has(lower, /\bparents?\b|\bwho started|\bancestors?\b/),
    command: family === 'safe' ? command : null,
    limit: limitMatch ? Math.min(Number(limitMatch[1]), 50) : 10,
  };
}
