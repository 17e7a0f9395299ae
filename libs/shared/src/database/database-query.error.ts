/**
 * A statement Postgres (or the connection carrying it) refused: the SQL, its parameters and
 * node-postgres's own error, whose `code` is the SQLSTATE (or a socket code). Repositories read it
 * through `violatedUniqueConstraint` and friends; nothing above them sees it.
 */
export class DatabaseQueryError extends Error {
  constructor(
    readonly query: string,
    readonly parameters: readonly unknown[],
    readonly driverError: Error,
  ) {
    super(driverError.message);
    this.name = 'DatabaseQueryError';
  }
}

/** The driver's error behind `error`, or `error` itself when it did not come from a statement. */
export function driverErrorOf(error: unknown): unknown {
  return error instanceof DatabaseQueryError ? error.driverError : error;
}
