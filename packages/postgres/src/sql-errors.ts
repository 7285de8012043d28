/** SQLSTATE codes the adapter reacts to. */
export const SQLSTATE = {
  uniqueViolation: '23505',
  serializationFailure: '40001',
  deadlockDetected: '40P01',
  undefinedTable: '42P01',
  invalidSchemaName: '3F000',
} as const;

export const sqlState = (e: unknown): string | undefined =>
  typeof e === 'object' && e !== null && typeof (e as { code?: unknown }).code === 'string'
    ? (e as { code: string }).code
    : undefined;

/** Errors after which the whole append may simply be tried again: it wrote nothing. */
export const isRetryableAppendError = (e: unknown): boolean => {
  const code = sqlState(e);
  return (
    code === SQLSTATE.uniqueViolation ||
    code === SQLSTATE.serializationFailure ||
    code === SQLSTATE.deadlockDetected
  );
};
