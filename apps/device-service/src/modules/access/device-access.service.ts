import { request as httpRequest, type IncomingMessage } from 'node:http';
import { Injectable } from '@nestjs/common';
import { DEVICE_ROUTES, type DeviceAccessResponse } from '@cloudphone/contracts';
import type { Principal } from '@cloudphone/shared';
import { DeviceServiceConfig } from '../../config/device-service.config';
import { DeviceProvisioner } from '../devices';
import { AccessErrors } from './access.errors';
import { type AccessLease, AccessRepository } from './access.repository';
import { AccessTokens } from './access-token';
import { AdbGateway } from './adb-gateway.service';

/** What `describe` needs of an allocation (an AllocationRecord or its answer). */
export interface AccessibleAllocation {
  id: string;
  deviceId: string;
  status: string;
  fencingToken: string;
  expiresAt: Date | string;
}

const STREAM_TIMEOUT_MS = 10_000;

/**
 * Access to rented devices (README: "Access"): the `access` block of allocation answers, the owner's
 * access and connection routes, and the screen stream behind a token. Everything is derived from
 * the active claim, so it ends with it.
 */
@Injectable()
export class DeviceAccess {
  private readonly tokens: AccessTokens;
  // Slots never change for a device, so a process may remember them for its life.
  private readonly slots = new Map<string, number>();

  constructor(
    private readonly repository: AccessRepository,
    private readonly gateway: AdbGateway,
    private readonly provisioner: DeviceProvisioner,
    private readonly config: DeviceServiceConfig,
  ) {
    this.tokens = new AccessTokens(config.jwtSecret);
  }

  /**
   * The access block of an active allocation (null for any other), with its ADB port listening on
   * this replica before the caller hands the answer out.
   */
  async describe(allocation: AccessibleAllocation): Promise<DeviceAccessResponse | null> {
    if (allocation.status !== 'active') return null;
    let slot = this.slots.get(allocation.deviceId);
    if (slot === undefined) {
      const found = await this.repository.slotOf(allocation.deviceId);
      if (found === null) return null;
      slot = found;
      if (this.slots.size > 100_000) this.slots.clear();
      this.slots.set(allocation.deviceId, slot);
    }
    const port = this.gateway.portOf(slot);
    if (port === null) return null;
    await this.gateway.listen(slot);
    const token = this.tokens.issue({ allocationId: allocation.id, fencingToken: allocation.fencingToken });
    const streamPath = DEVICE_ROUTES.deviceStream.replace(':id', allocation.deviceId);
    const streamUrl = new URL(streamPath, withTrailingSlash(this.config.accessPublicUrl));
    streamUrl.searchParams.set('token', token);
    return {
      allocationId: allocation.id,
      deviceId: allocation.deviceId,
      adbEndpoint: `${this.config.accessGatewayPublicHost}:${port}`,
      streamUrl: streamUrl.toString(),
      token,
      expiresAt: new Date(allocation.expiresAt).toISOString(),
    };
  }

  /** `GET /scheduler/allocations/:id/access`: the owner's access to their active allocation. */
  async forAllocation(principal: Principal, allocationId: string): Promise<DeviceAccessResponse> {
    return this.describeLease(principal, await this.repository.leaseOfAllocation(allocationId), {
      allocationId,
    });
  }

  /** `GET /devices/:id/connection`: the same, found by the device its renter holds. */
  async forDevice(principal: Principal, deviceId: string): Promise<DeviceAccessResponse> {
    return this.describeLease(principal, await this.repository.leaseOfDevice(deviceId), { deviceId });
  }

  /**
   * `GET /devices/:id/stream?token=`: checks the token against the device's active claim, then
   * relays the provider's stream answer; the caller pipes it to the client.
   */
  async openStream(deviceId: string, token: string): Promise<IncomingMessage> {
    const subject = this.tokens.read(token);
    const lease = subject ? await this.repository.leaseOfAllocation(subject.allocationId) : null;
    if (!subject || !lease || lease.deviceId !== deviceId || lease.fencingToken !== subject.fencingToken) {
      throw AccessErrors.invalidToken();
    }
    const { stream } = await this.provisioner.connection(lease);
    if (!stream) throw AccessErrors.noStream(lease.provider);
    return new Promise((resolve, reject) => {
      const upstream = httpRequest({
        host: stream.host,
        port: stream.port,
        path: stream.path,
        method: 'GET',
      });
      upstream.setTimeout(STREAM_TIMEOUT_MS, () => upstream.destroy(new Error('timed out')));
      upstream.on('response', resolve);
      upstream.on('error', (error) => reject(AccessErrors.streamFailed(error.message)));
      upstream.end();
    });
  }

  private async describeLease(
    principal: Principal,
    lease: AccessLease | null,
    asked: Record<string, string>,
  ): Promise<DeviceAccessResponse> {
    // The renter only: a session on someone's device is theirs, not an admin's to open.
    const owner = principal.kind === 'user' && principal.userId === lease?.userId;
    if (!lease || !owner) throw AccessErrors.noAccess(asked);
    const access = await this.describe({
      id: lease.allocationId,
      deviceId: lease.deviceId,
      status: 'active',
      fencingToken: lease.fencingToken,
      expiresAt: lease.expiresAt,
    });
    if (!access) throw AccessErrors.noAccess(asked);
    return access;
  }
}

function withTrailingSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}
