/** Version of the `procdoc pipeline --json` document (schema.ts), kept apart so writing it needs no zod. */
export const PIPELINE_SCHEMA_VERSION = 1;
