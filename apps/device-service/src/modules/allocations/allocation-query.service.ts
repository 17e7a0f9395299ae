import { Injectable } from '@nestjs/common';
import type { AllocationResponse, DeviceResponse } from '@cloudphone/contracts';
import {
  mayActFor,
  cacheKey,
  CacheService,
  type ListQuery,
  listQueryKeyParts,
  type Page,
  type Principal,
} from '@cloudphone/shared';
import { DeviceServiceConfig } from '../../config/device-service.config';
import { AVAILABLE_DEVICES_CACHE_TAG, DevicesService } from '../devices';
import { toAllocationResponse } from './allocation-record';
import { listOwnerOf } from './allocation-request';
import { AllocationErrors } from './allocations.errors';
import { AllocationsRepository } from './allocations.repository';

/** Reads of the scheduler: lists, one allocation and the (cached) free devices (statistics: AllocationStatistics). */
@Injectable()
export class AllocationQueryService {
  constructor(
    private readonly allocations: AllocationsRepository,
    private readonly devices: DevicesService,
    private readonly cache: CacheService,
    private readonly config: DeviceServiceConfig,
  ) {}

  /** A user sees their own allocations; admins and services anyone's (filter `userId`). */
  async list(principal: Principal, query: ListQuery): Promise<Page<AllocationResponse>> {
    const owner = listOwnerOf(principal, query);
    const page = await this.allocations.list(query, owner);
    return { ...page, items: page.items.map(toAllocationResponse) };
  }

  /** Another user's allocation answers 404, like a missing one, so ids of others do not leak. */
  async get(principal: Principal, id: string): Promise<AllocationResponse> {
    const allocation = await this.allocations.findById(id);
    const visible = allocation !== null && mayActFor(principal, allocation.userId);
    if (!visible) throw AllocationErrors.notFound({ allocationId: id });
    return toAllocationResponse(allocation);
  }

  /** Free devices, cached per query until the TTL or the next change of the pool (any replica). */
  available(query: ListQuery): Promise<Page<DeviceResponse>> {
    return this.cache.wrap(
      cacheKey('devices', 'available', ...listQueryKeyParts(query)),
      () => this.devices.listAvailable(query),
      { ttlMs: this.config.availableDevicesCacheTtlMs, tags: [AVAILABLE_DEVICES_CACHE_TAG] },
    );
  }
}
