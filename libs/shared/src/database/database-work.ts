/**
 * What this process asked of Postgres: statements sent (transaction control included) and
 * transactions run through `TransactionRunner`. Plain numbers bumped on the query path, read by
 * the `cloudphone_db_*_total` counters when Prometheus scrapes, so the hot path pays one addition.
 * Per process, not per application: apps booted together in one test process share them.
 */
export const databaseWork = { statements: 0, transactions: 0, rollbacks: 0 };
