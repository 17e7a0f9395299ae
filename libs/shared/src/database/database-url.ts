/** Returns the same Postgres URL pointing at another database (e.g. the `postgres` maintenance one). */
export function withDatabaseName(databaseUrl: string, databaseName: string): string {
  const url = new URL(databaseUrl);
  url.pathname = `/${encodeURIComponent(databaseName)}`;
  return url.toString();
}

/** The database name a Postgres URL points at. */
export function databaseNameOf(databaseUrl: string): string {
  const name = decodeURIComponent(new URL(databaseUrl).pathname.replace(/^\//, ''));
  if (!name)
    throw new Error(`Database URL has no database name: ${databaseUrl.replace(/:[^:@/]+@/, ':***@')}`);
  return name;
}
