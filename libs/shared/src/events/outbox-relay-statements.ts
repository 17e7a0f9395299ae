import type { HeldConnection } from '../database/database-pool';
import { planStableParameter } from '../database/plan-stable-parameter';

// The outbox relay's two statements, prepared on each connection with SQL PREPARE (the relay sends
// several statements per round trip in the simple protocol, where a protocol-level prepared
// statement cannot go), so Postgres plans them once per connection instead of once per batch
// (about 0.7 ms of its CPU a batch).

// One statement claims and reads a batch. The heads: the earliest unsent row of each aggregate
// whose retry time has come, locked; rows another relay holds are skipped, and a row with an
// earlier unsent row of its aggregate is never a head, so a head is only taken once everything
// before it in its aggregate was confirmed. Then each head and the unsent rows after it in its
// aggregate, the batch shared evenly between the heads. Those rows need no lock of their own: no
// other relay can take them as heads while the locked head is unsent, and they are marked sent in
// the same commit as the head. Reading them in the claim's statement (its snapshot predates the
// locks) only leaves out rows committed meanwhile, which the next pass takes.
const CLAIM_BATCH = `
  WITH heads AS MATERIALIZED (
    SELECT o.id, o.aggregate_key
    FROM outbox o
    WHERE o.sent_at IS NULL
      AND o.destination = 'events'
      AND o.next_attempt_at <= now()
      AND NOT EXISTS (
        SELECT 1 FROM outbox earlier
        WHERE earlier.aggregate_key = o.aggregate_key AND earlier.sent_at IS NULL AND earlier.id < o.id
          AND earlier.destination = 'events'
      )
    ORDER BY o.id
    LIMIT $1
    FOR UPDATE OF o SKIP LOCKED
  ), share AS (
    SELECT GREATEST(1, ceil($1::numeric / count(*)))::int AS per_aggregate FROM heads HAVING count(*) > 0
  )
  SELECT r.id, r.event_id, r.event_type, r.event_version, r.aggregate_key, r.data::text AS data_json,
         r.occurred_at, r.attempts
  FROM heads CROSS JOIN share
  CROSS JOIN LATERAL (
    SELECT o.* FROM outbox o
    WHERE o.aggregate_key = heads.aggregate_key AND o.sent_at IS NULL AND o.id >= heads.id
      AND o.destination = 'events'
    ORDER BY o.id
    LIMIT share.per_aggregate
  ) r
  ORDER BY r.id`;

// Marks a batch sent, one generic plan whatever the batch's size (planStableParameter).
const MARK_SENT = `UPDATE outbox SET sent_at = now() WHERE id = ANY(${planStableParameter('$1', 'bigint[]')})`;

/** A pooled connection's client (it lives as long as the connection). */
type Client = HeldConnection['client'];

/** What this process believes a connection's session holds: prepared, not, or unknown. */
type Belief = 'prepared' | 'unknown';

const beliefs = new WeakMap<Client, Map<string, Belief>>();

/**
 * The relay's statements for one head limit (inlined, so the claim has no parameters): their
 * names, the PREPAREs a connection still needs, and what is known of each connection's session.
 * A pooler in transaction mode may run a connection's next transaction on another server
 * connection, which holds the statements or not whatever this process prepared: the relay then
 * corrects the belief from the server's answer (`believe`) and tries once more.
 */
export class OutboxRelayStatements {
  readonly claim: string;
  readonly mark: string;

  constructor(private readonly headLimit: number) {
    if (!Number.isSafeInteger(headLimit) || headLimit < 1) throw new Error(`invalid head limit ${headLimit}`);
    this.claim = `cp_outbox_claim_${headLimit}`;
    this.mark = `cp_outbox_mark_sent_${headLimit}`;
  }

  /** The PREPAREs `client` still needs (text ending in "; "), and how many; marks them unknown. */
  preparation(client: Client): { sql: string; statements: number } {
    if (beliefs.get(client)?.get(this.claim) === 'prepared') return { sql: '', statements: 0 };
    beliefs.set(client, (beliefs.get(client) ?? new Map()).set(this.claim, 'unknown'));
    const claim = CLAIM_BATCH.replaceAll('$1', String(this.headLimit));
    return {
      sql: `PREPARE ${this.claim} AS ${claim}; PREPARE ${this.mark}(bigint[]) AS ${MARK_SENT}; `,
      statements: 2,
    };
  }

  /** After a round trip carrying the preparation succeeded, or the server said what it holds. */
  believe(client: Client, prepared: boolean): void {
    const known = beliefs.get(client) ?? new Map<string, Belief>();
    if (prepared) known.set(this.claim, 'prepared');
    else known.delete(this.claim);
    beliefs.set(client, known);
  }

  /** Whether a preparation was sent to `client` without an answer: its session is unknown. */
  unknownOn(client: Client): boolean {
    return beliefs.get(client)?.get(this.claim) === 'unknown';
  }
}
