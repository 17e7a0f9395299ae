// SQL fragments that several statements of allocations.repository.ts are built from (the
// allocate, release and expiry statements): each written once, so the statements cannot drift apart.

export const HOLDING = `('pending', 'active')`;

// Hands back the devices of the allocations a statement just ended (CTE `ended`, which returns
// ALLOCATIONS.select()'s property names), in the same statement: a device a renter had goes to
// `resetting`, and only a confirmed wipe makes it `available` again (devices/hand-over). A device
// marked failed or under maintenance while held keeps that status.
export const HAND_BACK_ENDED_DEVICES = `freed AS (
    UPDATE devices d SET held_by = NULL, updated_at = now(),
      status = CASE WHEN d.status = 'allocated' THEN 'resetting' ELSE d.status END,
      reset_started_at = NULL, reset_attempts = 0
    FROM ended e WHERE d.id = e."deviceId" AND d.held_by = e.id
    RETURNING d.id
  )`;

// Frees the devices of claims that never started (CTE `ended`): nobody got access to them, so they
// are `available` again at once, unwiped, and the next claim records the same wipe.
export const FREE_UNSTARTED_DEVICES = `freed AS (
    UPDATE devices d SET held_by = NULL, updated_at = now(),
      status = CASE WHEN d.status = 'allocated' THEN 'available' ELSE d.status END
    FROM ended e WHERE d.id = e."deviceId" AND d.held_by = e.id
    RETURNING d.id
  )`;

// A time to record: $n when the caller gives one (a test clock), else the database's clock.
export const recordedTime = (parameter: string) =>
  `COALESCE(${parameter}::timestamptz, date_trunc('milliseconds', now()))`;

// How Date.toISOString() writes a time, so answers built in SQL read like those built in Node.
export const isoText = (time: string) =>
  `to_char((${time}) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/**
 * The SET list of a release with `reason` at time `at` (SQL expressions; a null time is the
 * database's clock), or at the expiry if that came first, billed to the second.
 */
export function releaseSet(reason: string, at: string): string {
  const end = `LEAST(${recordedTime(at)}, expires_at)`;
  return `status = 'released', end_reason = ${reason}, ended_at = ${end},
    billed_seconds = ${billedSecondsUntil(end)}, updated_at = now()`;
}

/** Whole seconds from started_at to `end`, rounded up (times are millisecond-precise). */
export function billedSecondsUntil(end: string): string {
  return `GREATEST(0, CEIL(EXTRACT(EPOCH FROM (${end} - started_at))))::integer`;
}
