import { Injectable } from '@nestjs/common';
import type {
  CreateNodeRequest,
  NodeProvider,
  NodeState,
  UpdateNodeRequest,
  NodeUsageSample,
} from '@cloudphone/contracts';
import {
  findPage,
  type ListQuery,
  type Page,
  SqlClient,
  TableMap,
  violatedUniqueConstraint,
} from '@cloudphone/shared';
import type { NodeRecord } from './node-record';

// What a node holds, computed per node (devices_node_status_idx): never stored, so never stale.
const USAGE = `(SELECT jsonb_build_object(
    'devices', count(*) FILTER (WHERE x.status <> 'retired'),
    'allocated', count(*) FILTER (WHERE x.status = 'allocated'),
    'available', count(*) FILTER (WHERE x.status = 'available'),
    'failed', count(*) FILTER (WHERE x.status = 'failed'),
    'cpuCoresUsed', COALESCE(sum(x.cpu_cores) FILTER (WHERE x.status = 'allocated'), 0),
    'memoryMbUsed', COALESCE(sum(x.memory_mb) FILTER (WHERE x.status = 'allocated'), 0))
  FROM devices x WHERE x.node_id = device_nodes.id)`;

const NODES = new TableMap<NodeRecord>('device_nodes', {
  id: 'id',
  name: 'name',
  region: 'region',
  state: 'state',
  cpuCores: 'cpu_cores',
  memoryMb: 'memory_mb',
  storageGb: 'storage_gb',
  maxDevices: 'max_devices',
  labels: 'labels',
  taints: 'taints',
  costPerHourMinor: 'cost_per_hour_minor',
  provider: 'provider',
  providerSettings: 'provider_settings',
  usage: USAGE,
  createdAt: 'created_at',
  updatedAt: 'updated_at',
});

/** Capacity and use of one region, for cluster stats. */
type RegionRow = {
  region: string;
  nodes: number;
  maxDevices: number;
  devices: number;
  allocated: number;
  available: number;
};

/** SQL of nodes: CRUD, state moves, usage and its samples. */
@Injectable()
export class NodesRepository {
  constructor(private readonly sql: SqlClient) {}

  list(query: ListQuery): Promise<Page<NodeRecord>> {
    return findPage(this.sql, NODES, query);
  }

  findById(id: string): Promise<NodeRecord | null> {
    return this.sql.one<NodeRecord>(`SELECT ${NODES.select()} FROM device_nodes WHERE id = $1`, [id]);
  }

  /** The new node's id, or null when the name is taken (provider settings already checked). */
  async insert(node: CreateNodeRequest & { providerSettings: object }): Promise<string | null> {
    try {
      const row = await this.sql.one<{ id: string }>(
        `INSERT INTO device_nodes (name, region, cpu_cores, memory_mb, storage_gb, max_devices, labels, taints,
           cost_per_hour_minor, provider, provider_settings)
         VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8::jsonb, $9, $10, $11::jsonb) RETURNING id`,
        [
          node.name,
          node.region,
          node.cpuCores,
          node.memoryMb,
          node.storageGb,
          node.maxDevices,
          JSON.stringify(node.labels ?? {}),
          JSON.stringify(node.taints ?? []),
          node.costPerHourMinor ?? 0,
          node.provider ?? null,
          JSON.stringify(node.providerSettings),
        ],
      );
      return row?.id ?? null;
    } catch (error) {
      if (violatedUniqueConstraint(error) === 'device_nodes_name_key') return null;
      throw error;
    }
  }

  /**
   * Locks the node until the transaction ends (POST /devices {nodeId} takes the same lock) and
   * answers its provider and whether devices (retired ones aside) are on it; null: no such node.
   */
  lockProvider(id: string): Promise<{ provider: NodeProvider | null; holdsDevices: boolean } | null> {
    return this.sql.one(
      `SELECT provider,
         EXISTS (SELECT 1 FROM devices d WHERE d.node_id = n.id AND d.status <> 'retired') AS "holdsDevices"
       FROM device_nodes n WHERE id = $1 FOR UPDATE`,
      [id],
    );
  }

  /** Sets the node's provider and its settings (checked already). */
  async setProvider(id: string, provider: NodeProvider | null, settings: object): Promise<void> {
    await this.sql.rows(
      `UPDATE device_nodes SET provider = $2, provider_settings = $3::jsonb, updated_at = now() WHERE id = $1`,
      [id, provider, JSON.stringify(settings)],
    );
  }

  /** Sets the given fields only; false when there is no such node. */
  async update(id: string, changes: UpdateNodeRequest): Promise<boolean> {
    const rows = await this.sql.rows(
      `UPDATE device_nodes SET cpu_cores = COALESCE($2, cpu_cores), memory_mb = COALESCE($3, memory_mb),
         storage_gb = COALESCE($4, storage_gb), max_devices = COALESCE($5, max_devices),
         labels = COALESCE($6::jsonb, labels), taints = COALESCE($7::jsonb, taints),
         cost_per_hour_minor = COALESCE($8, cost_per_hour_minor), updated_at = now()
       WHERE id = $1 RETURNING id`,
      [
        id,
        changes.cpuCores ?? null,
        changes.memoryMb ?? null,
        changes.storageGb ?? null,
        changes.maxDevices ?? null,
        changes.labels ? JSON.stringify(changes.labels) : null,
        changes.taints ? JSON.stringify(changes.taints) : null,
        changes.costPerHourMinor ?? null,
      ],
    );
    return rows.length > 0;
  }

  /** Moves the node to `state`; false when there is no such node. */
  async setState(id: string, state: NodeState): Promise<boolean> {
    const rows = await this.sql.rows(
      `UPDATE device_nodes SET state = $2, updated_at = now() WHERE id = $1 RETURNING id`,
      [id, state],
    );
    return rows.length > 0;
  }

  /** Deletes a node no device (retired ones aside) is on: 'deleted', 'missing' or 'in-use'. */
  async delete(id: string): Promise<'deleted' | 'missing' | 'in-use'> {
    const [row] = await this.sql.rows<{ outcome: 'deleted' | 'missing' | 'in-use' }>(
      `WITH target AS (SELECT id FROM device_nodes WHERE id = $1 FOR UPDATE),
       busy AS (SELECT 1 FROM devices WHERE node_id = $1 AND status <> 'retired' LIMIT 1),
       detached AS (UPDATE devices SET node_id = NULL WHERE node_id = $1 AND NOT EXISTS (SELECT 1 FROM busy)),
       deleted AS (
         DELETE FROM device_nodes WHERE id IN (SELECT id FROM target) AND NOT EXISTS (SELECT 1 FROM busy)
         RETURNING id)
       SELECT CASE WHEN EXISTS (SELECT 1 FROM deleted) THEN 'deleted'
                   WHEN NOT EXISTS (SELECT 1 FROM target) THEN 'missing' ELSE 'in-use' END AS outcome`,
      [id],
    );
    return row.outcome;
  }

  /** Devices on draining nodes that no allocation holds and no wipe is on: to retire now. */
  drainable(limit: number): Promise<Array<{ id: string }>> {
    return this.sql.rows(
      `SELECT d.id FROM devices d JOIN device_nodes n ON n.id = d.node_id AND n.state = 'draining'
       WHERE d.status IN ('available', 'maintenance', 'failed', 'provisioning')
       ORDER BY d.id LIMIT $1`,
      [limit],
    );
  }

  /** One usage sample per node for the minute (replayed ticks write nothing twice). */
  async sampleUsage(): Promise<number> {
    const rows = await this.sql.rows(
      `INSERT INTO node_usage_samples (node_id, sampled_at, devices, allocated, available, failed, cpu_cores_used,
         memory_mb_used)
       SELECT n.id, date_trunc('minute', now()),
         count(d.id) FILTER (WHERE d.status <> 'retired'), count(d.id) FILTER (WHERE d.status = 'allocated'),
         count(d.id) FILTER (WHERE d.status = 'available'), count(d.id) FILTER (WHERE d.status = 'failed'),
         COALESCE(sum(d.cpu_cores) FILTER (WHERE d.status = 'allocated'), 0),
         COALESCE(sum(d.memory_mb) FILTER (WHERE d.status = 'allocated'), 0)
       FROM device_nodes n LEFT JOIN devices d ON d.node_id = n.id
       GROUP BY n.id
       ON CONFLICT (node_id, sampled_at) DO NOTHING
       RETURNING node_id`,
    );
    await this.sql.rows(`DELETE FROM node_usage_samples WHERE sampled_at < now() - interval '7 days'`);
    return rows.length;
  }

  /** Samples of one node (or summed over all: null) since `hours` ago, oldest first. */
  usageTrend(nodeId: string | null, hours: number): Promise<NodeUsageSample[]> {
    return this.sql.rows<NodeUsageSample>(
      `SELECT to_char(sampled_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at,
         sum(devices)::int AS devices, sum(allocated)::int AS allocated, sum(available)::int AS available,
         sum(failed)::int AS failed, sum(cpu_cores_used)::int AS "cpuCoresUsed",
         sum(memory_mb_used)::bigint::float8 AS "memoryMbUsed"
       FROM node_usage_samples
       WHERE ($1::uuid IS NULL OR node_id = $1) AND sampled_at >= now() - make_interval(hours => $2)
       GROUP BY sampled_at ORDER BY sampled_at`,
      [nodeId, hours],
    );
  }

  /** Nodes by state, devices by status, and capacity per region. */
  async clusterStats(): Promise<{
    nodesByState: Array<{ state: NodeState; count: number }>;
    devicesByStatus: Array<{ status: string; count: number }>;
    byRegion: RegionRow[];
  }> {
    const nodesByState = await this.sql.rows<{ state: NodeState; count: number }>(
      `SELECT state, count(*)::int AS count FROM device_nodes GROUP BY state`,
    );
    const devicesByStatus = await this.sql.rows<{ status: string; count: number }>(
      `SELECT status, count(*)::int AS count FROM devices GROUP BY status`,
    );
    const byRegion = await this.sql.rows<RegionRow>(
      `SELECT r.region, COALESCE(n.nodes, 0)::int AS nodes, COALESCE(n.max_devices, 0)::int AS "maxDevices",
         COALESCE(d.devices, 0)::int AS devices, COALESCE(d.allocated, 0)::int AS allocated,
         COALESCE(d.available, 0)::int AS available
       FROM (SELECT region FROM device_nodes UNION SELECT region FROM devices WHERE status <> 'retired') r
       LEFT JOIN (SELECT region, count(*) AS nodes, sum(max_devices) AS max_devices FROM device_nodes GROUP BY region) n
         USING (region)
       LEFT JOIN (SELECT region, count(*) FILTER (WHERE status <> 'retired') AS devices,
           count(*) FILTER (WHERE status = 'allocated') AS allocated,
           count(*) FILTER (WHERE status = 'available') AS available
         FROM devices GROUP BY region) d USING (region)
       ORDER BY r.region`,
    );
    return { nodesByState, devicesByStatus, byRegion };
  }
}
