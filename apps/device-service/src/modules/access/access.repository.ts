import { Injectable } from '@nestjs/common';
import { SqlClient } from '@cloudphone/shared';

/** An allocated device and the active claim that may reach it now: what the gateway forwards for. */
export interface AccessLease {
  slot: number;
  deviceId: string;
  provider: string;
  providerDeviceId: string;
  nodeId: string | null;
  allocationId: string;
  userId: string;
  fencingToken: string;
  expiresAt: Date;
}

// Access exists exactly while the device is allocated to an active, unexpired claim: derived from
// the rental rows, so a release, an expiry or a failover ends it in the statement that ends the
// rental, with nothing of its own to revoke or forget.
const LEASES = `SELECT d.access_slot AS slot, d.id AS "deviceId", d.provider,
    d.provider_device_id AS "providerDeviceId", d.node_id AS "nodeId", a.id AS "allocationId",
    a.user_id AS "userId",
    a.fencing_token AS "fencingToken", a.expires_at AS "expiresAt"
  FROM devices d
  JOIN device_allocations a ON a.id = d.held_by AND a.status = 'active' AND a.expires_at > now()
  WHERE d.status = 'allocated'`;

/** SQL of the access gateway: live leases, by slot, allocation or device. */
@Injectable()
export class AccessRepository {
  constructor(private readonly sql: SqlClient) {}

  liveLeases(): Promise<AccessLease[]> {
    return this.sql.rows<AccessLease>(LEASES);
  }

  leaseOfSlot(slot: number): Promise<AccessLease | null> {
    return this.sql.one<AccessLease>(`${LEASES} AND d.access_slot = $1`, [slot]);
  }

  leaseOfAllocation(allocationId: string): Promise<AccessLease | null> {
    return this.sql.one<AccessLease>(`${LEASES} AND a.id = $1`, [allocationId]);
  }

  leaseOfDevice(deviceId: string): Promise<AccessLease | null> {
    return this.sql.one<AccessLease>(`${LEASES} AND d.id = $1`, [deviceId]);
  }

  /** A device's access slot (fixed for its life). */
  async slotOf(deviceId: string): Promise<number | null> {
    const row = await this.sql.one<{ slot: number }>(
      `SELECT access_slot AS slot FROM devices WHERE id = $1`,
      [deviceId],
    );
    return row?.slot ?? null;
  }
}
