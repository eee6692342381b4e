import type { ParsedScript } from '../validator/parse.js';

/** How to run a command: its own argv without a shell when it is one plain command, else sh -c. */
export type RunPlan = { mode: 'argv'; file: string; args: string[] } | { mode: 'shell'; file: string; args: string[] };

export function planRun(parsed: ParsedScript, text: string): RunPlan {
  const only = parsed.commands.length === 1 ? parsed.commands[0] : undefined;
  const plain =
    only !== undefined &&
    parsed.problems.length === 0 &&
    only.words.length > 0 &&
    only.redirects.length === 0 &&
    only.assignments.length === 0 &&
    only.words.every((w) => w.value !== null && !w.glob) &&
    !/[;&|<>()`]/.test(text.replace(/'[^']*'|"(?:[^"\\]|\\.)*"/g, ''));
  if (plain) {
    const [file, ...args] = only.words.map((w) => w.value!);
    return { mode: 'argv', file: file!, args };
  }
  return { mode: 'shell', file: '/bin/sh', args: ['-c', text] };
}
