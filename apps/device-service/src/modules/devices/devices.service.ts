import { Injectable, Logger } from '@nestjs/common';
import {
  type CreateDeviceRequest,
  type DeviceResponse,
  deviceSpecOf,
  type UpdateDeviceRequest,
} from '@cloudphone/contracts';
import {
  actorOf,
  afterCommit,
  CacheService,
  type ListQuery,
  type Page,
  type Principal,
  TransactionRunner,
} from '@cloudphone/shared';
import { AVAILABLE_DEVICES_CACHE_TAG } from './device-pool.cache';
import type { DeviceRecord } from './device-record';
import { DeviceProvisioner } from './device-provisioner.service';
import { canMove, returnToPoolTarget } from './device-state-machine';
import { DeviceHandOver } from './hand-over/device-hand-over.service';
import { toDeviceResponse } from './device-response.mapper';
import { DeviceErrors } from './devices.errors';
import { type DeviceChanges, DevicesRepository } from './devices.repository';

/** The device pool: admins add devices through the provider, change their state and retire them. */
@Injectable()
export class DevicesService {
  private readonly logger = new Logger(DevicesService.name);

  constructor(
    private readonly transactions: TransactionRunner,
    private readonly devices: DevicesRepository,
    private readonly provisioner: DeviceProvisioner,
    private readonly cache: CacheService,
    private readonly handOver: DeviceHandOver,
  ) {}

  /** Devices free to allocate now (the scheduler's `GET /scheduler/devices/available`). */
  async listAvailable(query: ListQuery): Promise<Page<DeviceResponse>> {
    const page = await this.devices.listAvailable(query);
    return { ...page, items: page.items.map(toDeviceResponse) };
  }

  async list(query: ListQuery): Promise<Page<DeviceResponse>> {
    const page = await this.devices.list(query);
    return { ...page, items: page.items.map(toDeviceResponse) };
  }

  async get(id: string): Promise<DeviceResponse> {
    return toDeviceResponse(await this.require(id));
  }

  /**
   * Has the provider create a device and adds it to the pool once it runs. Nothing is written when
   * the provider fails; a device created but not recorded is destroyed again.
   */
  async create(request: CreateDeviceRequest, principal: Principal): Promise<DeviceResponse> {
    const nodeId = request.nodeId ?? null;
    const provider = await this.provisioner.providerFor(nodeId);
    if (request.provider !== undefined && request.provider !== provider) {
      throw DeviceErrors.unknownProvider(request.provider, provider);
    }
    const spec = {
      region: request.region,
      androidVersion: request.androidVersion,
      ...deviceSpecOf(request),
    };
    if (request.nodeId)
      await this.transactions.run(() => this.checkNode(request.nodeId as string, spec.region, provider));
    const created = await this.provisioner.provision(spec, nodeId);
    const { providerDeviceId } = created;
    let id: string | null;
    try {
      id = await this.transactions.run(async () => {
        // Checked again under the node's lock: it may have filled up or left service meanwhile.
        if (request.nodeId) await this.checkNode(request.nodeId, spec.region, provider);
        return this.devices.insert({ provider, providerDeviceId, nodeId, ...spec });
      });
    } catch (error) {
      await this.provisioner.destroyAbandoned(created);
      throw error;
    }
    // Not destroyed: that provider id belongs to a device already in the pool.
    if (!id)
      throw DeviceErrors.providerFailed(provider, 'create', 'it returned a device id already in the pool');
    await this.evictAvailableDevices();
    this.logger.log({
      msg: 'device created',
      deviceId: id,
      provider,
      providerDeviceId,
      by: actorOf(principal),
    });
    return toDeviceResponse(await this.require(id));
  }

  /**
   * Sets status and/or health. A status change follows the state machine (409
   * DEVICE_ILLEGAL_TRANSITION names both states); `available` from maintenance or failed means
   * "back to the pool", which goes through a wipe (`resetting`) first.
   */
  async update(id: string, request: UpdateDeviceRequest, principal: Principal): Promise<DeviceResponse> {
    if (request.status === undefined && request.health === undefined) throw DeviceErrors.emptyUpdate();
    const { device, changes } = await this.transactions.run(async () => {
      const current = await this.devices.findByIdForUpdate(id);
      if (!current) throw DeviceErrors.notFound(id);
      if (current.status === 'retired') throw DeviceErrors.retired(id);
      const changes: DeviceChanges = { ...(request.health !== undefined && { health: request.health }) };
      if (request.status !== undefined && request.status !== current.status) {
        const target = request.status === 'available' ? returnToPoolTarget(current.status) : request.status;
        if (target !== current.status) {
          if (!canMove(current.status, target))
            throw DeviceErrors.illegalTransition(id, current.status, target);
          changes.status = target;
          changes.statusReason = target === 'available' || target === 'resetting' ? null : `set by an admin`;
        }
      }
      if (Object.keys(changes).length > 0) await this.devices.update(id, changes);
      if (changes.status === 'resetting') await this.handOver.kick();
      await this.evictAvailableDevices();
      return { device: await this.require(id), changes };
    });
    this.logger.log({ msg: 'device updated', deviceId: id, ...changes, by: actorOf(principal) });
    return toDeviceResponse(device);
  }

  /**
   * Retires a device no allocation holds: the provider destroys it and the row stays, `retired`, for
   * the allocations that reference it. Retiring a retired device answers the same, changing nothing.
   */
  async retire(id: string, principal: Principal): Promise<DeviceResponse> {
    const { device, retiredNow } = await this.transactions.run(async () => {
      // The row lock makes the check and the retirement one step: a claim that committed first is
      // seen below, and one that comes later skips the locked row and then finds it retired.
      const current = await this.devices.findByIdForUpdate(id);
      if (!current) throw DeviceErrors.notFound(id);
      if (current.status === 'retired') return { device: current, retiredNow: false };
      const holder = await this.devices.findHoldingAllocationId(id);
      if (holder) throw DeviceErrors.inUse(id, holder);
      if (!(await this.provisioner.serves(current))) {
        throw DeviceErrors.providerNotConfigured(id, current.provider);
      }
      // A wipe in progress ends first (its node draining retires it then); a retirement now would race it.
      if (current.status === 'resetting') throw DeviceErrors.beingWiped(id);
      if (!canMove(current.status, 'retired')) {
        throw DeviceErrors.illegalTransition(id, current.status, 'retired');
      }
      // Still under the lock: a provider failure rolls back to the device as it was, still rentable.
      await this.provisioner.destroy(current);
      await this.devices.update(id, { status: 'retired' });
      await this.evictAvailableDevices();
      return { device: await this.require(id), retiredNow: true };
    });
    if (retiredNow) this.logger.log({ msg: 'device retired', deviceId: id, by: actorOf(principal) });
    return toDeviceResponse(device);
  }

  private async checkNode(nodeId: string, region: string, provider: string): Promise<void> {
    const node = await this.devices.lockNode(nodeId);
    if (!node) throw DeviceErrors.nodeNotUsable(nodeId, 'there is no such node');
    if (node.region !== region) throw DeviceErrors.nodeNotUsable(nodeId, `the node is in ${node.region}`);
    if (node.state !== 'schedulable') throw DeviceErrors.nodeNotUsable(nodeId, `the node is ${node.state}`);
    if (node.room <= 0) throw DeviceErrors.nodeNotUsable(nodeId, 'the node is full (maxDevices)');
    // The node may have switched providers while the device was created at the one it had.
    const now = node.provider ?? (await this.provisioner.providerFor(null));
    if (now !== provider) throw DeviceErrors.nodeNotUsable(nodeId, `the node changed provider to ${now}`);
  }

  private async require(id: string): Promise<DeviceRecord> {
    const device = await this.devices.findById(id);
    if (!device) throw DeviceErrors.notFound(id);
    return device;
  }

  // Cached answers of GET /scheduler/devices/available go stale once the change commits.
  private evictAvailableDevices(): Promise<void> {
    return afterCommit(() => this.cache.invalidateTags(AVAILABLE_DEVICES_CACHE_TAG));
  }
}
