import type { Snapshot } from '../snapshot/schema.js';

/**
 * `--anonymize`: user names, host names and paths become placeholders (user_1, host_1,
 * /anon/path_1) in everything sent to the model, and are mapped back in the answer shown.
 * One Anonymizer per run; its mapping grows as text passes through it.
 */
export interface Anonymizer {
  /** Replaces identifying names in text going out. */
  apply(text: string): string;
  /**
   * The snapshot's host name as sent: its placeholder, however short the name. apply()
   * leaves names under three letters alone in free text (they would hit words and paths,
   * `vm` in /proc/sys/vm), so the host fields use this.
   */
  host(name: string): string;
  /** Maps placeholders in text coming back to the original names. */
  restore(text: string): string;
  /** placeholder -> original, for display and tests. */
  mapping(): ReadonlyMap<string, string>;
}

/** Paths that say nothing about who runs the machine. */
const SYSTEM_PREFIXES = [
  '/usr/', '/bin/', '/sbin/', '/lib/', '/lib32/', '/lib64/', '/libx32/', '/etc/', '/proc/', '/sys/', '/dev/', '/run/',
  '/var/run/', '/var/lib/', '/var/log/', '/var/cache/', '/var/spool/', '/snap/', '/boot/', '/system.slice', '/user.slice',
  '/init.scope', '/machine.slice', '/anon/',
];
const SYSTEM_PATHS = new Set(['/', '/usr', '/bin', '/sbin', '/tmp', '/var', '/etc', '/proc', '/sys', '/dev', '/run', '/home', '/root', '/opt', '/srv']);
const PATH_TOKEN = /(?<![\w.:/-])\/[\w.@%+~-]+(?:\/[\w.@%+~-]+)*\/?/g;
const PLACEHOLDER = /\b(?:user|host)_\d+\b|\/anon\/path_\d+/g;

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function createAnonymizer(snapshot: Snapshot): Anonymizer {
  const forward = new Map<string, string>();
  const back = new Map<string, string>();
  const add = (original: string, placeholder: string): void => {
    forward.set(original, placeholder);
    back.set(placeholder, original);
  };
  const hosts = new Set<string>();
  const full = snapshot.host.hostname;
  if (full !== '' && full !== 'localhost') {
    hosts.add(full);
    const short = full.split('.')[0] ?? '';
    if (short !== '' && short !== full) hosts.add(short);
  }
  [...hosts].sort((a, b) => b.length - a.length).forEach((h, i) => add(h, `host_${i + 1}`));
  const users = new Set<string>();
  for (const p of snapshot.processes) {
    // System accounts (uid < 1000) name software, not people.
    if (p.user !== null && p.uid >= 1000 && p.user.length >= 2) users.add(p.user);
  }
  [...users].sort().forEach((u, i) => add(u, `user_${i + 1}`));
  // In free text only names of three letters or more: shorter ones would hit words and paths.
  const names = [...forward.keys()].filter((name) => name.length >= 3).sort((a, b) => b.length - a.length);
  const nameRe = names.length === 0 ? null : new RegExp(`(?<![A-Za-z0-9])(?:${names.map(escapeRe).join('|')})(?![A-Za-z0-9])`, 'g');
  let nextPath = 1;

  const mapPath = (path: string): string => {
    if (SYSTEM_PATHS.has(path) || SYSTEM_PREFIXES.some((prefix) => path.startsWith(prefix))) return path;
    // /tmp itself is not identifying, but what is under it may be.
    const known = forward.get(path);
    if (known !== undefined) return known;
    const placeholder = `/anon/path_${nextPath++}`;
    add(path, placeholder);
    return placeholder;
  };

  return {
    apply(text) {
      const withPaths = text.replace(PATH_TOKEN, (path) => mapPath(path));
      return nameRe === null ? withPaths : withPaths.replace(nameRe, (name) => forward.get(name) ?? name);
    },
    host: (name) => forward.get(name) ?? name,
    restore(text) {
      return text.replace(PLACEHOLDER, (placeholder) => back.get(placeholder) ?? placeholder);
    },
    mapping: () => back,
  };
}

/** The identity anonymizer, for runs without --anonymize. */
export const noAnonymizer: Anonymizer = {
  apply: (text) => text,
  host: (name) => name,
  restore: (text) => text,
  mapping: () => new Map(),
};
