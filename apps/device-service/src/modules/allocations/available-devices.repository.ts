import { Injectable } from '@nestjs/common';
import type { DeviceHealth, DeviceResponse, DeviceStatus } from '@cloudphone/contracts';
import { type ListQuery, type Page, queryRows, toPage } from '@cloudphone/shared';
import type { EntityManager } from 'typeorm';

interface DeviceRow {
  id: string;
  provider: string;
  provider_device_id: string;
  region: string;
  android_version: string;
  cpu_cores: number;
  memory_mb: number;
  storage_gb: number;
  status: DeviceStatus;
  health: DeviceHealth;
  created_at: Date;
  updated_at: Date;
  total: string;
}

// Filter and sort names of AVAILABLE_DEVICES_QUERY → SQL; only these ever reach the statement.
const FILTER_SQL: Record<string, string> = {
  region: 'region = $',
  androidVersion: 'android_version = $',
  minCpuCores: 'cpu_cores >= $',
  minMemoryMb: 'memory_mb >= $',
  minStorageGb: 'storage_gb >= $',
};
const SORT_SQL: Record<string, string> = {
  cpuCores: 'cpu_cores',
  memoryMb: 'memory_mb',
  storageGb: 'storage_gb',
  region: 'region',
  createdAt: 'created_at',
};

/** Devices that an allocation could claim right now, by the same rule as the claim itself. */
@Injectable()
export class AvailableDevicesRepository {
  async list(manager: EntityManager, query: ListQuery): Promise<Page<DeviceResponse>> {
    const parameters: unknown[] = [];
    const conditions = [`status = 'available'`, `health = 'healthy'`, 'held_by IS NULL'];
    for (const filter of query.filters) {
      parameters.push(filter.value);
      conditions.push(`${FILTER_SQL[filter.name]}${parameters.length}`);
    }
    const order = query.sort.map((term) => `${SORT_SQL[term.column]} ${term.direction}`);
    parameters.push(query.limit, query.offset);
    const rows = await queryRows<DeviceRow>(
      manager,
      `SELECT id, provider, provider_device_id, region, android_version, cpu_cores, memory_mb, storage_gb,
              status, health, created_at, updated_at, count(*) OVER () AS total
       FROM devices WHERE ${conditions.join(' AND ')}
       ORDER BY ${[...order, 'id'].join(', ')}
       LIMIT $${parameters.length - 1} OFFSET $${parameters.length}`,
      parameters,
    );
    const total = rows.length > 0 ? Number(rows[0].total) : await this.count(manager, conditions, parameters);
    return toPage(rows.map(toDeviceResponse), total, query);
  }

  // A page past the end has no rows to carry the total; count separately then.
  private async count(manager: EntityManager, conditions: string[], parameters: unknown[]): Promise<number> {
    const [row] = await queryRows<{ total: string }>(
      manager,
      `SELECT count(*) AS total FROM devices WHERE ${conditions.join(' AND ')}`,
      parameters.slice(0, -2),
    );
    return Number(row.total);
  }
}

function toDeviceResponse(row: DeviceRow): DeviceResponse {
  return {
    id: row.id,
    provider: row.provider,
    providerDeviceId: row.provider_device_id,
    region: row.region,
    androidVersion: row.android_version,
    cpuCores: row.cpu_cores,
    memoryMb: row.memory_mb,
    storageGb: row.storage_gb,
    status: row.status,
    health: row.health,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}
