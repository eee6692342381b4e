/**
 * The one error base class of procdoc. Expected outcomes (a finding, a verdict, a tool
 * result) are values; this is thrown only for the truly exceptional, and carries a stable
 * code that the CLI maps to an exit status in one place (src/cli/exit.ts).
 */
export type ErrorCode =
  | 'usage' // bad flags or arguments
  | 'not-found' // a PID, unit or file that does not exist
  | 'snapshot-invalid' // a snapshot file that is malformed or of another version
  | 'proc-unreadable' // /proc or /sys could not be read at all
  | 'llm-unavailable' // no LLM configured, unreachable, refused
  | 'refused' // the validator denied a command, or the user declined
  | 'exec-failed' // an executed command failed or could not be verified
  | 'internal';

export class ProcdocError extends Error {
  readonly code: ErrorCode;
  /** What the person should do next; printed under the message. */
  readonly hint: string | undefined;

  constructor(code: ErrorCode, message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ProcdocError';
    this.code = code;
    this.hint = options.hint;
  }
}

export function isProcdocError(error: unknown): error is ProcdocError {
  return error instanceof ProcdocError;
}
