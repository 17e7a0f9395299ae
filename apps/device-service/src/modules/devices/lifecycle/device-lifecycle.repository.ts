import { Injectable } from '@nestjs/common';
import { SqlClient } from '@cloudphone/shared';

/** A retired device whose leftovers at its provider have not been cleared yet. */
export interface RetiredDevice {
  id: string;
  provider: string;
  providerDeviceId: string;
  nodeId: string | null;
}

/** SQL of device-lifecycle-cleanup: retired devices to clear, and marking them cleared. */
@Injectable()
export class DeviceLifecycleRepository {
  constructor(private readonly sql: SqlClient) {}

  /** Up to `limit` retired devices not cleared yet, oldest retirement first. */
  uncleared(limit: number): Promise<RetiredDevice[]> {
    return this.sql.rows<RetiredDevice>(
      `SELECT id, provider, provider_device_id AS "providerDeviceId", node_id AS "nodeId" FROM devices
       WHERE status = 'retired' AND leftovers_cleared_at IS NULL
       ORDER BY updated_at, id LIMIT $1`,
      [limit],
    );
  }

  async markCleared(ids: string[]): Promise<void> {
    await this.sql.rows(
      `UPDATE devices SET leftovers_cleared_at = now() WHERE id = ANY($1::uuid[]) AND status = 'retired'`,
      [ids],
    );
  }
}
