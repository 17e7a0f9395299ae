/**
 * What this process asked of Postgres: statements sent (transaction control included), the round
 * trips they took (a simple query may carry several statements), and transactions run through
 * `TransactionRunner` and the outbox relay. Plain numbers bumped on the query path, read by
 * the `cloudphone_db_*_total` counters when Prometheus scrapes, so the hot path pays one addition.
 * Per process, not per application: apps booted together in one test process share them.
 */
export const databaseWork = { statements: 0, roundTrips: 0, transactions: 0, rollbacks: 0 };
