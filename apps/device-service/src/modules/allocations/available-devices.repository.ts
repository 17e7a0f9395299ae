import { Injectable } from '@nestjs/common';
import type { DeviceResponse } from '@cloudphone/contracts';
import { findPage, type ListQuery, type Page, SqlClient } from '@cloudphone/shared';
import { DEVICES } from '../devices/devices.repository';
import { toDeviceResponse } from '../devices/device-response.mapper';

/** Devices that an allocation could claim right now, by the same rule as the claim itself. */
@Injectable()
export class AvailableDevicesRepository {
  constructor(private readonly sql: SqlClient) {}

  async list(query: ListQuery): Promise<Page<DeviceResponse>> {
    const page = await findPage(this.sql, DEVICES, query, {
      where: `status = 'available' AND health = 'healthy' AND held_by IS NULL`,
      parameters: [],
    });
    return { ...page, items: page.items.map(toDeviceResponse) };
  }
}
