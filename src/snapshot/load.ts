import { readFile } from 'node:fs/promises';
import { ProcdocError } from '../errors.js';
import { SNAPSHOT_SCHEMA_VERSION, SnapshotSchema, type Snapshot } from './schema.js';

/** Parses and validates a snapshot document; errors say what is wrong and what to do. */
export function parseSnapshot(text: string, source: string): Snapshot {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new ProcdocError('snapshot-invalid', `${source} is not valid JSON: ${(error as Error).message}`, {
      hint: 'Save a snapshot with `procdoc snapshot -o FILE` and pass that file to --from.',
    });
  }
  if (typeof data !== 'object' || data === null || (data as { kind?: unknown }).kind !== 'procdoc-snapshot') {
    throw new ProcdocError('snapshot-invalid', `${source} is not a procdoc snapshot (no "kind": "procdoc-snapshot").`, {
      hint: 'Save a snapshot with `procdoc snapshot -o FILE` and pass that file to --from.',
    });
  }
  const version = (data as { schemaVersion?: unknown }).schemaVersion;
  if (typeof version !== 'number') {
    const found = version === undefined ? 'has no "schemaVersion"' : `has "schemaVersion": ${JSON.stringify(version)}, not a number`;
    throw new ProcdocError('snapshot-invalid', `${source} ${found}; this procdoc reads version ${SNAPSHOT_SCHEMA_VERSION}.`, {
      hint: 'The file may be edited by hand; take a fresh one with `procdoc snapshot -o FILE`.',
    });
  }
  if (version !== SNAPSHOT_SCHEMA_VERSION) {
    throw new ProcdocError(
      'snapshot-invalid',
      `${source} is a snapshot of schema version ${version}; this procdoc reads version ${SNAPSHOT_SCHEMA_VERSION}.`,
      { hint: 'Take the snapshot again with this version of procdoc, or use the procdoc version that wrote it.' },
    );
  }
  // A snapshot is parsed once per run, cold: zod's interpreted path is faster then than the
  // parser it would first compile with new Function (check --from: 200 against 240 ms), and
  // needs no code generation from strings. Asked per parse: z.config({ jitless }) binds only
  // schemas built after it, and schema.js is evaluated before this module.
  const result = SnapshotSchema.safeParse(data, { jitless: true });
  if (!result.success) {
    const first = result.error.issues.slice(0, 5).map((i) => `  ${i.path.join('.') || '(root)'}: ${i.message}`);
    const more = result.error.issues.length > 5 ? `\n  …and ${result.error.issues.length - 5} more` : '';
    throw new ProcdocError('snapshot-invalid', `${source} does not match the snapshot schema:\n${first.join('\n')}${more}`, {
      hint: 'The file may be truncated or edited by hand; take a fresh one with `procdoc snapshot -o FILE`.',
    });
  }
  return result.data;
}

export async function loadSnapshotFile(file: string): Promise<Snapshot> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ProcdocError(code === 'ENOENT' ? 'not-found' : 'snapshot-invalid', `Cannot read snapshot ${file}: ${code ?? String(error)}.`, {
      hint: 'Check the path; save a snapshot with `procdoc snapshot -o FILE`.',
      cause: error,
    });
  }
  return parseSnapshot(text, file);
}
