/** Version of the snapshot document; kept apart from the zod schema so reading /proc never loads zod. */
export const SNAPSHOT_SCHEMA_VERSION = 1;
