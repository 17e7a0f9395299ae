import { Injectable } from '@nestjs/common';
import type { PlacementCandidate } from '@cloudphone/contracts';
import { SqlClient } from '@cloudphone/shared';
import type { ClaimRequest } from './allocation-claim';
import { claimParameters } from './allocations.repository';
import { SCORE_ORDER, SCORED_CANDIDATES } from './placement-sql';
import type { PlacementChoice } from './placement-choice';

/** SQL of placement's explanation: the candidates a claim would rank, without claiming any. */
@Injectable()
export class PlacementRepository {
  constructor(private readonly sql: SqlClient) {}

  /** The best `limit` candidates for `claim` under `choice`, best first. */
  rank(claim: ClaimRequest, choice: PlacementChoice, limit: number): Promise<PlacementCandidate[]> {
    return this.sql.rows<PlacementCandidate>(
      // `unused` only gives the claim's other parameters their types: the explanation shares the
      // claim's parameter list, so its SQL fragments read the same numbers.
      `WITH unused AS (SELECT $1::uuid, $3::text, $10::text, $11::text), ${SCORED_CANDIDATES}
       SELECT c.id AS "deviceId", c.node_id AS "nodeId", c.node_name AS "nodeName",
         round((c.policy_score + c.affinity + c.penalty)::numeric, 4)::float8 AS score,
         round(c.policy_score::numeric, 4)::float8 AS "policyScore", c.affinity, c.penalty AS "taintPenalty",
         round(c.load::numeric, 4)::float8 AS load, c.cost AS "costPerHourMinor",
         c.cpu_cores AS "cpuCores", c.memory_mb AS "memoryMb", c.storage_gb AS "storageGb"
       FROM candidates c
       ORDER BY ${SCORE_ORDER}
       LIMIT $15`,
      [...claimParameters(claim, choice), limit],
    );
  }
}
