// The claim's SQL, built from parts: which devices are free for the request ($4–$9), which nodes
// admit it ($12 tolerations), and two ways of choosing among them — the plain order (smallest
// adequate spec first, straight off an index) and placement's scores (policy $13, affinity weight
// $14). Parameters: $1 allocation id, $2 user, $3 tenant, $4 minutes, $5–$7 spec, $8 region,
// $9 Android version, $10 idempotency key, $11 request hash.
import { planStableParameter } from '@cloudphone/shared';

/** No `effect` taint of node `n` is left untolerated by `tolerations` (taint keys, or key=value). */
const tolerated = (effect: 'NoSchedule' | 'PreferNoSchedule', tolerations = '$12::text[]') => `NOT EXISTS (
    SELECT 1 FROM jsonb_array_elements(n.taints) t
    WHERE t->>'effect' = '${effect}'
      AND NOT (t->>'key' = ANY(${tolerations}) OR (t->>'key') || '=' || COALESCE(t->>'value', '') = ANY(${tolerations})))`;

/**
 * Device `d` is on no node, or on a schedulable one whose NoSchedule taints `tolerations` tolerates
 * (a reservation tolerates none: `'{}'::text[]`).
 */
export const nodeAdmits = (tolerations = '$12::text[]') => `(d.node_id IS NULL OR EXISTS (
    SELECT 1 FROM device_nodes n WHERE n.id = d.node_id AND n.state = 'schedulable'
      AND ${tolerated('NoSchedule', tolerations)}))`;

// The request's filters, read so that Postgres keeps one generic plan of the claim per connection
// (planStableParameter): as plain parameters, once the tables had been analysed, the plans made for
// the values at hand (a minimum of one core, which every device meets; no region) were always
// estimated cheaper, and every claim was planned afresh (about 0.9 ms, as much as running it).
const MIN_CPU_CORES = planStableParameter('$5', 'int');
const MIN_MEMORY_MB = planStableParameter('$6', 'int');
const MIN_STORAGE_GB = planStableParameter('$7', 'int');
const REGION = planStableParameter('$8', 'text');
const ANDROID_VERSION = planStableParameter('$9', 'text');

/** Device `d` is free now for the request: rentable, meets the spec, and no live claim overlaps. */
export const FREE_FOR_REQUEST = `d.status = 'available' AND d.health = 'healthy' AND d.held_by IS NULL
    AND d.cpu_cores >= ${MIN_CPU_CORES} AND d.memory_mb >= ${MIN_MEMORY_MB} AND d.storage_gb >= ${MIN_STORAGE_GB}
    AND (${REGION} IS NULL OR d.region = ${REGION})
    AND (${ANDROID_VERSION} IS NULL OR d.android_version = ${ANDROID_VERSION})
    -- No live claim (a holder, a future reservation) overlaps the requested time; the same test as
    -- the exclusion constraint. OFFSET 0 keeps it a probe per device, answered by
    -- device_allocations_live_idx (migration 0005): as an anti-join the planner (without fresh
    -- statistics) scanned every live period of every device instead.
    AND NOT EXISTS (
      SELECT 1 FROM device_allocations a
      WHERE a.device_id = d.id AND a.ended_at IS NULL
        AND a.period && tstzrange(now(), now() + make_interval(mins => $4))
      OFFSET 0
    )`;

/** The plain choice: the first free admitted device, smallest adequate spec first. */
export const PLAIN_CANDIDATE = `candidate AS (
    SELECT d.id FROM devices d
    WHERE ${FREE_FOR_REQUEST} AND ${nodeAdmits()}
    ORDER BY d.cpu_cores, d.memory_mb, d.storage_gb, d.id
    LIMIT 1
    FOR UPDATE OF d SKIP LOCKED
  )`;

// Free devices each ranked node offers (by devices_node_free_idx), so placement reads a few rows
// per node and never the whole pool; enough that concurrent claims on one node find one unlocked.
const PER_NODE = 16;

/**
 * Placement's candidates, each with its score parts: for every schedulable node of the region that
 * the request tolerates, its first free devices; the node's policy score (spread: 1 − load, binpack:
 * load, cost: 1 − cost ÷ the dearest node's), +$14 on the node of the user's previous allocation and
 * half as much again on that very device, −0.5 for an untolerated PreferNoSchedule taint. Devices on
 * no node take part at 0.5.
 */
export const SCORED_CANDIDATES = `prev AS (
    SELECT d.node_id, a.device_id FROM device_allocations a JOIN devices d ON d.id = a.device_id
    WHERE a.user_id = $2 ORDER BY a.created_at DESC LIMIT 1
  ), nodes AS (
    SELECT n.id, n.name, n.cost_per_hour_minor::float8 AS cost,
      (SELECT count(*) FROM devices x WHERE x.node_id = n.id AND x.status IN ('allocated', 'resetting'))::float8
        / n.max_devices AS load,
      CASE WHEN n.id = (SELECT node_id FROM prev) THEN $14::float8 ELSE 0 END AS affinity,
      CASE WHEN ${tolerated('PreferNoSchedule')} THEN 0 ELSE -0.5 END AS penalty
    FROM device_nodes n
    WHERE n.state = 'schedulable' AND (${REGION} IS NULL OR n.region = ${REGION}) AND ${tolerated('NoSchedule')}
  ), scored AS (
    SELECT nodes.*, CASE $13::text
        WHEN 'binpack' THEN LEAST(load, 1)
        WHEN 'cost' THEN 1 - cost / GREATEST(max(cost) OVER (), 1)
        ELSE 1 - LEAST(load, 1) END AS policy_score
    FROM nodes
  ), offered AS (
    SELECT c.id, c.cpu_cores, c.memory_mb, c.storage_gb, s.id AS node_id, s.name AS node_name,
      s.policy_score, s.affinity, s.penalty, s.load, s.cost
    FROM scored s CROSS JOIN LATERAL (
      SELECT d.id, d.cpu_cores, d.memory_mb, d.storage_gb FROM devices d
      WHERE d.node_id = s.id AND ${FREE_FOR_REQUEST}
      ORDER BY d.cpu_cores, d.memory_mb, d.storage_gb, d.id LIMIT ${PER_NODE}
    ) c
    UNION ALL
    (SELECT d.id, d.cpu_cores, d.memory_mb, d.storage_gb, NULL::uuid, NULL::text, 0.5::float8, 0::float8,
       0::float8, 0::float8, 0::float8
     FROM devices d WHERE d.node_id IS NULL AND ${FREE_FOR_REQUEST}
     ORDER BY d.cpu_cores, d.memory_mb, d.storage_gb, d.id LIMIT ${PER_NODE})
    UNION ALL
    -- The user's previous device, when it is free and admitted, even past its node's first few.
    (SELECT d.id, d.cpu_cores, d.memory_mb, d.storage_gb, s.id, s.name, COALESCE(s.policy_score, 0.5),
       COALESCE(s.affinity, 0), COALESCE(s.penalty, 0), COALESCE(s.load, 0), COALESCE(s.cost, 0)
     FROM prev p JOIN devices d ON d.id = p.device_id LEFT JOIN scored s ON s.id = d.node_id
     WHERE ${FREE_FOR_REQUEST} AND (d.node_id IS NULL OR s.id IS NOT NULL))
  ), candidates AS (
    SELECT DISTINCT ON (o.id) o.id, o.cpu_cores, o.memory_mb, o.storage_gb, o.node_id, o.node_name,
      o.policy_score, o.penalty, o.load, o.cost,
      o.affinity + CASE WHEN o.id = (SELECT device_id FROM prev) THEN $14::float8 / 2 ELSE 0 END AS affinity
    FROM offered o ORDER BY o.id
  )`;

/** The score and tie-break order of placement: best score, then the smallest adequate spec. */
export const SCORE_ORDER = `c.policy_score + c.affinity + c.penalty DESC, c.cpu_cores, c.memory_mb, c.storage_gb, c.id`;

/** Placement's choice: the best-scored candidate nobody else is claiming. */
export const SCORED_CANDIDATE = `${SCORED_CANDIDATES}, candidate AS (
    SELECT d.id FROM devices d JOIN candidates c ON c.id = d.id
    WHERE d.status = 'available' AND d.held_by IS NULL
    ORDER BY ${SCORE_ORDER}
    LIMIT 1
    FOR UPDATE OF d SKIP LOCKED
  )`;

/** Takes the `candidate` device for allocation $1 and inserts the `pending` claim, answering it. */
export const claimTail = (returning: string) => `, claimed AS (
    UPDATE devices d SET claim_sequence = d.claim_sequence + 1, held_by = $1, status = 'allocated',
      updated_at = now()
    FROM candidate c WHERE d.id = c.id
    RETURNING d.id, d.claim_sequence, d.wipe_count, d.region, d.android_version, d.cpu_cores,
      d.memory_mb, d.storage_gb
  )
  INSERT INTO device_allocations (id, device_id, user_id, tenant_id, status, fencing_token, region,
    android_version, cpu_cores, memory_mb, storage_gb, duration_minutes, started_at, expires_at,
    idempotency_key, request_hash, device_wipe)
  SELECT $1, c.id, $2, $3, 'pending', c.claim_sequence, c.region, c.android_version, c.cpu_cores,
    c.memory_mb, c.storage_gb, $4, date_trunc('milliseconds', now()),
    date_trunc('milliseconds', now()) + make_interval(mins => $4), $10, $11, c.wipe_count
  FROM claimed c
  RETURNING ${returning}`;
