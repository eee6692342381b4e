import { isProcdocError, type ErrorCode } from '../errors.js';

/**
 * Exit statuses, in one place (DESIGN.md). `diagnose` follows the monitoring-plugin
 * convention (0 OK, 1 warning, 2 critical, 3 unknown: could not diagnose, bad usage
 * included); `check` returns 0/10/20 for its verdicts; every other command 0 success,
 * 1 error, 2 bad usage. `ask` adds 4: answered, but offline, because the LLM it was
 * configured to use failed (unreachable, refused the key, timed out).
 */
export const EXIT = {
  ok: 0,
  error: 1,
  usage: 2,
  diagnoseWarning: 1,
  diagnoseCritical: 2,
  diagnoseUnknown: 3,
  checkConfirm: 10,
  checkDeny: 20,
  askLlmFailed: 4,
} as const;

export function exitCodeForError(error: unknown, command: string | undefined): number {
  const code: ErrorCode = isProcdocError(error) ? error.code : 'internal';
  if (command === 'diagnose') return EXIT.diagnoseUnknown;
  switch (code) {
    case 'usage':
      return EXIT.usage;
    case 'not-found':
    case 'snapshot-invalid':
    case 'proc-unreadable':
    case 'llm-unavailable':
    case 'refused':
    case 'exec-failed':
    case 'internal':
      return EXIT.error;
  }
}
