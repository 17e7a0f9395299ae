import { Injectable } from '@nestjs/common';
import type { CreateStrategyRequest, StrategyResponse, UpdateStrategyRequest } from '@cloudphone/contracts';
import { SqlClient, violatedUniqueConstraint } from '@cloudphone/shared';

export type StrategyRecord = Omit<StrategyResponse, 'createdAt' | 'updatedAt' | 'affinityWeight'> & {
  affinityWeight: string;
  createdAt: Date;
  updatedAt: Date;
};

const COLUMNS = `id, name, policy, affinity_weight AS "affinityWeight", description, active,
  created_at AS "createdAt", updated_at AS "updatedAt"`;

/** SQL of placement strategies; the one active is held by a unique partial index. */
@Injectable()
export class StrategiesRepository {
  constructor(private readonly sql: SqlClient) {}

  list(): Promise<StrategyRecord[]> {
    return this.sql.rows<StrategyRecord>(
      `SELECT ${COLUMNS} FROM scheduling_strategies ORDER BY created_at, id`,
    );
  }

  findById(id: string): Promise<StrategyRecord | null> {
    return this.sql.one<StrategyRecord>(`SELECT ${COLUMNS} FROM scheduling_strategies WHERE id = $1`, [id]);
  }

  active(): Promise<StrategyRecord | null> {
    return this.sql.one<StrategyRecord>(`SELECT ${COLUMNS} FROM scheduling_strategies WHERE active`);
  }

  async nodesExist(): Promise<boolean> {
    const [row] = await this.sql.rows<{ exists: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM device_nodes) AS exists`,
    );
    return row.exists;
  }

  /** The new strategy, or null when the name is taken. */
  async insert(request: CreateStrategyRequest): Promise<StrategyRecord | null> {
    return this.unlessNameTaken(() =>
      this.sql.one<StrategyRecord>(
        `INSERT INTO scheduling_strategies (name, policy, affinity_weight, description)
         VALUES ($1, $2, COALESCE($3, 0.3), $4) RETURNING ${COLUMNS}`,
        [request.name, request.policy, request.affinityWeight ?? null, request.description ?? null],
      ),
    );
  }

  /** The changed strategy; null when the name is taken; undefined when there is no such strategy. */
  async update(id: string, changes: UpdateStrategyRequest): Promise<StrategyRecord | null | undefined> {
    const updated = await this.unlessNameTaken(() =>
      this.sql.one<StrategyRecord>(
        `UPDATE scheduling_strategies SET name = COALESCE($2, name), policy = COALESCE($3, policy),
           affinity_weight = COALESCE($4, affinity_weight), description = COALESCE($5, description),
           updated_at = now()
         WHERE id = $1 RETURNING ${COLUMNS}`,
        [
          id,
          changes.name ?? null,
          changes.policy ?? null,
          changes.affinityWeight ?? null,
          changes.description ?? null,
        ],
      ),
    );
    return updated === null && (await this.findById(id)) === null ? undefined : updated;
  }

  /** Deletes an inactive strategy: 'deleted', 'missing' or 'active'. */
  async delete(id: string): Promise<'deleted' | 'missing' | 'active'> {
    const [row] = await this.sql.rows<{ outcome: 'deleted' | 'missing' | 'active' }>(
      `WITH target AS (SELECT id, active FROM scheduling_strategies WHERE id = $1 FOR UPDATE),
       deleted AS (DELETE FROM scheduling_strategies WHERE id IN (SELECT id FROM target WHERE NOT active) RETURNING id)
       SELECT CASE WHEN EXISTS (SELECT 1 FROM deleted) THEN 'deleted'
                   WHEN EXISTS (SELECT 1 FROM target) THEN 'active' ELSE 'missing' END AS outcome`,
      [id],
    );
    return row.outcome;
  }

  /**
   * Makes `id` the one active strategy; null when there is no such strategy. Run in a transaction:
   * every strategy row is locked first (the table is small), so two activations serialise instead of
   * one of them running into the one-active index.
   */
  async activate(id: string): Promise<StrategyRecord | null> {
    const locked = await this.sql.rows<{ id: string }>(
      `SELECT id FROM scheduling_strategies ORDER BY id FOR UPDATE`,
    );
    if (!locked.some((row) => row.id === id)) return null;
    await this.sql.rows(
      `UPDATE scheduling_strategies SET active = false, updated_at = now() WHERE active AND id <> $1`,
      [id],
    );
    return this.sql.one<StrategyRecord>(
      `UPDATE scheduling_strategies SET active = true, updated_at = now() WHERE id = $1 RETURNING ${COLUMNS}`,
      [id],
    );
  }

  private async unlessNameTaken<T>(write: () => Promise<T>): Promise<T | null> {
    try {
      return await write();
    } catch (error) {
      if (violatedUniqueConstraint(error) === 'scheduling_strategies_name_key') return null;
      throw error;
    }
  }
}
