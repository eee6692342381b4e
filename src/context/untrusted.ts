/**
 * Text that processes control (comm, argv, cgroup and unit names chosen by whoever started
 * them) is data, never instructions. It reaches the model only inside a delimited block
 * whose delimiters cannot be forged from inside: every value is JSON-escaped (one line, no
 * raw quotes) and `<`, `>` are escaped too, so no value can close the block.
 */
export const UNTRUSTED_OPEN = '<untrusted-data>';
export const UNTRUSTED_CLOSE = '</untrusted-data>';

/** One untrusted value as a quoted, single-line literal that cannot contain a delimiter. */
export function quoteUntrusted(value: string): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/** Wraps lines that contain untrusted values in the delimited block the prompts describe. */
export function wrapUntrusted(body: string): string {
  const safe = body.replace(/</g, '\\u003c').replace(/>/g, '\\u003e');
  return `${UNTRUSTED_OPEN}\n${safe}\n${UNTRUSTED_CLOSE}`;
}
