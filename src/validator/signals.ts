/** Linux signal numbers (x86, arm, most others), names without the SIG prefix. */
const NUMBERS: Record<string, number> = {
  HUP: 1, INT: 2, QUIT: 3, ILL: 4, TRAP: 5, ABRT: 6, IOT: 6, BUS: 7, FPE: 8, KILL: 9, USR1: 10, SEGV: 11, USR2: 12,
  PIPE: 13, ALRM: 14, TERM: 15, STKFLT: 16, CHLD: 17, CLD: 17, CONT: 18, STOP: 19, TSTP: 20, TTIN: 21, TTOU: 22,
  URG: 23, XCPU: 24, XFSZ: 25, VTALRM: 26, PROF: 27, WINCH: 28, IO: 29, POLL: 29, PWR: 30, SYS: 31,
};
const RTMIN = 34;
const RTMAX = 64;

export const SIGNAL = { HUP: 1, INT: 2, KILL: 9, TERM: 15, CHLD: 17, CONT: 18, STOP: 19 } as const;

/** Parses 9, KILL, SIGKILL, sigkill, RTMIN+3; null when it is not a signal. */
export function parseSignal(spec: string): number | null {
  const s = spec.trim();
  if (/^\d+$/.test(s)) {
    const n = Number(s);
    return n >= 0 && n <= RTMAX ? n : null;
  }
  const name = s.toUpperCase().replace(/^SIG/, '');
  const known = NUMBERS[name];
  if (known !== undefined) return known;
  const rt = /^RTM(IN|AX)([+-]\d+)?$/.exec(name);
  if (rt) {
    const n = (rt[1] === 'IN' ? RTMIN : RTMAX) + Number(rt[2] ?? 0);
    return n >= RTMIN && n <= RTMAX ? n : null;
  }
  return null;
}

/** Each number's name, without the aliases (IOT, CLD, POLL): a pkill names one per process it hits. */
const NAMES = new Map(Object.entries(NUMBERS).flatMap(([name, n]) => (name === 'IOT' || name === 'CLD' || name === 'POLL' ? [] : [[n, `SIG${name}`] as const])));

export function signalName(n: number): string {
  if (n === 0) return '0';
  const name = NAMES.get(n);
  if (name !== undefined) return name;
  if (n >= RTMIN && n <= RTMAX) return n === RTMIN ? 'SIGRTMIN' : `SIGRTMIN+${n - RTMIN}`;
  return `signal ${n}`;
}

/** What the kernel does with a signal nobody handles. */
export function defaultAction(n: number): 'terminate' | 'ignore' | 'stop' | 'continue' {
  if (n === NUMBERS.CHLD || n === NUMBERS.URG || n === NUMBERS.WINCH) return 'ignore';
  if (n === NUMBERS.CONT) return 'continue';
  if (n === NUMBERS.STOP || n === NUMBERS.TSTP || n === NUMBERS.TTIN || n === NUMBERS.TTOU) return 'stop';
  return 'terminate';
}

/** Whether the default action also dumps core (signal(7): Core): QUIT, ILL, TRAP, ABRT, BUS, FPE, SEGV, XCPU, XFSZ, SYS. */
export function dumpsCore(n: number): boolean {
  return [NUMBERS.QUIT, NUMBERS.ILL, NUMBERS.TRAP, NUMBERS.ABRT, NUMBERS.BUS, NUMBERS.FPE, NUMBERS.SEGV, NUMBERS.XCPU, NUMBERS.XFSZ, NUMBERS.SYS].includes(n);
}

/** Whether a list from the snapshot (names with or without SIG, or numbers) holds a signal. */
export function listHas(list: readonly string[] | undefined, n: number): boolean {
  return list?.some((s) => parseSignal(s) === n) ?? false;
}
