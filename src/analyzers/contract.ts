import * as z from 'zod';
import { CgroupModeSchema } from '../snapshot/schema.js';
import { FindingSchema } from './finding.js';
import { DIAGNOSE_SCHEMA_VERSION } from './report.js';

/*
 * The schema of `procdoc diagnose --json`, for programs that read it and for the tests.
 * The diagnose command itself only writes the document (report.ts), and never loads zod.
 */

/** `procdoc diagnose --json` (DESIGN.md). Fields may be added, never renamed or removed. */
export const DiagnoseJsonSchema = z.object({
  schemaVersion: z.literal(DIAGNOSE_SCHEMA_VERSION),
  host: z.object({ hostname: z.string(), kernel: z.string(), cgroupMode: CgroupModeSchema, root: z.boolean() }),
  findings: z.array(FindingSchema),
});
export type DiagnoseJson = z.infer<typeof DiagnoseJsonSchema>;
