import { DatabaseQueryError } from './database-query.error';

// SQLSTATE codes (https://www.postgresql.org/docs/current/errcodes-appendix.html). Repositories
// translate these into their domain's outcomes; nothing above a repository sees them.
const UNIQUE_VIOLATION = '23505';
const EXCLUSION_VIOLATION = '23P01';
const FOREIGN_KEY_VIOLATION = '23503';
const UNDEFINED_PREPARED_STATEMENT = '26000';
const DUPLICATE_PREPARED_STATEMENT = '42P05';

interface DriverError {
  code?: string;
  constraint?: string;
}

function statementErrorOf(error: unknown): DriverError | null {
  return error instanceof DatabaseQueryError ? (error.driverError as DriverError) : null;
}

/** The unique or exclusion constraint (or index) the failed statement violated, else null. */
export function violatedUniqueConstraint(error: unknown): string | null {
  const driverError = statementErrorOf(error);
  if (driverError?.code !== UNIQUE_VIOLATION && driverError?.code !== EXCLUSION_VIOLATION) return null;
  return driverError.constraint ?? null;
}

/** Whether the statement failed because a referenced row does not exist. */
export function isForeignKeyViolation(error: unknown): boolean {
  return statementErrorOf(error)?.code === FOREIGN_KEY_VIOLATION;
}

/**
 * How a statement naming SQL prepared statements (`EXECUTE name`, `PREPARE name`) disagreed with the
 * session: `missing` (none of that name) or `present` (already prepared), else null.
 */
export function preparedStatementMismatch(error: unknown): 'missing' | 'present' | null {
  const code = statementErrorOf(error)?.code;
  if (code === UNDEFINED_PREPARED_STATEMENT) return 'missing';
  return code === DUPLICATE_PREPARED_STATEMENT ? 'present' : null;
}
