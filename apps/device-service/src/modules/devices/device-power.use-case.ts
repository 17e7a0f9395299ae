import { Injectable, Logger } from '@nestjs/common';
import {
  type DevicePowerAction,
  type DevicePowerBatchResponse,
  type DevicePowerItemResult,
  type DeviceResponse,
} from '@cloudphone/contracts';
import {
  actorOf,
  actsForEveryone,
  AppError,
  CacheService,
  mapInParallel,
  mayActFor,
  type Principal,
} from '@cloudphone/shared';
import { AVAILABLE_DEVICES_CACHE_TAG } from './device-pool.cache';
import { DeviceProvisioner } from './device-provisioner.service';
import { toDeviceResponse } from './device-response.mapper';
import { DeviceErrors } from './devices.errors';
import { DevicesRepository } from './devices.repository';

/** Devices a batch powers at once: the provider sees a steady trickle, not a burst of 100. */
const BATCH_IN_FLIGHT = 8;

/**
 * Power control (`POST /devices/:id/{start,stop,reboot}` and the admin batch): the renter holding
 * the device or an admin. The provider takes the order first, outside any transaction; then one
 * conditional statement records it unless the device has moved on meanwhile (a wipe powers it on).
 */
@Injectable()
export class DevicePowerUseCase {
  private readonly logger = new Logger(DevicePowerUseCase.name);

  constructor(
    private readonly devices: DevicesRepository,
    private readonly provisioner: DeviceProvisioner,
    private readonly cache: CacheService,
  ) {}

  async power(principal: Principal, id: string, action: DevicePowerAction): Promise<DeviceResponse> {
    const device = await this.devices.findById(id);
    if (!device) throw DeviceErrors.notFound(id);
    if (!actsForEveryone(principal)) {
      // Anyone but its renter is told the device does not exist, so device ids do not leak.
      const renter = await this.devices.findRenter(id);
      if (!renter || !mayActFor(principal, renter.userId)) throw DeviceErrors.notFound(id);
    }
    if (!['available', 'allocated', 'maintenance', 'failed'].includes(device.status)) {
      throw DeviceErrors.notOperable(id, device.status);
    }
    if (!(await this.provisioner.serves(device))) {
      throw DeviceErrors.providerNotConfigured(id, device.provider);
    }
    await this.provisioner.power(device, action);
    const recorded = await this.devices.recordPower(id, action === 'stop' ? 'off' : 'on');
    if (!recorded) {
      const now = await this.devices.findById(id);
      throw DeviceErrors.notOperable(id, now?.status ?? 'retired');
    }
    await this.cache.invalidateTags(AVAILABLE_DEVICES_CACHE_TAG);
    this.logger.log({
      msg: 'device power',
      deviceId: id,
      action,
      status: recorded.status,
      by: actorOf(principal),
    });
    return toDeviceResponse(recorded);
  }

  /** Admin batch: every device through `power`, one result per device in request order. */
  async powerMany(
    principal: Principal,
    deviceIds: string[],
    action: DevicePowerAction,
  ): Promise<DevicePowerBatchResponse> {
    const results = await mapInParallel(deviceIds, BATCH_IN_FLIGHT, async (deviceId, index) => {
      try {
        const device = await this.power(principal, deviceId, action);
        return { index, deviceId, status: 200, device } satisfies DevicePowerItemResult;
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        return {
          index,
          deviceId,
          status: error.httpStatus,
          error: { code: error.code, message: error.message, details: error.details },
        } satisfies DevicePowerItemResult;
      }
    });
    const succeeded = results.filter((result) => result.error === undefined).length;
    return { results, succeeded, failed: results.length - succeeded };
  }
}
