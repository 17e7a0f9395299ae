import { randomBytes } from 'node:crypto';
import { Logger } from '@nestjs/common';
import type { HttpClientRegistry } from '@cloudphone/shared';
import type {
  DeviceConnection,
  DeviceProvider,
  DeviceProviderOperation,
  PowerAction,
  ProviderDeviceListing,
  ProviderDeviceState,
  ProvisionedDevice,
  ProvisionSpec,
} from './device-provider';
import { DeviceProviderError } from './device-provider.error';
import {
  type ContainerCreateBody,
  type ContainerInspection,
  type ContainerSummary,
  DockerEngineClient,
  DockerEngineError,
} from './docker-engine.client';

export interface RedroidDeviceProviderOptions {
  /** The Docker Engine API of the host the devices run on (http or https; no Unix socket). */
  dockerUrl: string;
  /** Engine API version the paths are prefixed with, e.g. `1.44`. */
  apiVersion: string;
  /** Image of new devices; its tag decides the Android version that runs. */
  image: string;
  /** Redroid's boot arguments (`androidboot.redroid_width=720`, …), the container's Cmd. */
  bootArgs: string[];
  /** Host the access gateway reaches the mapped ADB ports on. */
  advertisedHost: string;
  /** Host address Docker binds the mapped ADB ports to. */
  adbBindIp: string;
  /** Deadline of one Docker call (and of each attempt within it); stop and reboot add the grace period. */
  timeoutMs: number;
}

/** ADB inside every Redroid container. */
const ADB_PORT = '5555/tcp';
/** Seconds Android gets to shut down on a stop or reboot before Docker kills it. */
const STOP_GRACE_SECONDS = 10;

/** The labels carrying a device's spec, so a reset can recreate it and a listing can find it. */
const LABELS = {
  managed: 'cloudphone.managed',
  cpuCores: 'cloudphone.cpu-cores',
  memoryMb: 'cloudphone.memory-mb',
  storageGb: 'cloudphone.storage-gb',
  region: 'cloudphone.region',
  androidVersion: 'cloudphone.android-version',
} as const;

const STATES = new Map<string, ProviderDeviceState>([
  ['running', 'running'],
  ['created', 'provisioning'],
  ['restarting', 'provisioning'],
  ['exited', 'stopped'],
  ['paused', 'stopped'],
  ['dead', 'error'],
  // Docker is deleting it: it will not come back.
  ['removing', 'destroyed'],
]);

/**
 * Redroid (Android in a container) on one Docker host, driven through the documented Docker Engine
 * API. A device is a privileged container named `cloudphone-<hex>`: that name is the provider id,
 * so a reset can remove the container and create a fresh one under the same id from the spec its
 * labels carry. ADB (5555) is published on a host port Docker picks; the gateway reaches it at
 * `advertisedHost`. Redroid serves no HTTP screen stream: screens go through scrcpy over that ADB
 * connection, so `stream` is null.
 *
 * `running` means the container runs; Android inside still needs some seconds to finish booting.
 * Storage is recorded in a label but not enforced: Docker limits a container's disk only on some
 * storage drivers (overlay2 on xfs with pquota), and refuses the create elsewhere.
 */
export class RedroidDeviceProvider implements DeviceProvider {
  readonly name = 'redroid';
  private readonly docker: DockerEngineClient;
  private readonly logger = new Logger(RedroidDeviceProvider.name);

  constructor(
    private readonly options: RedroidDeviceProviderOptions,
    registry: HttpClientRegistry,
  ) {
    // One client per Docker host, so each host has its own breaker and retry budget. Docker calls
    // take longer than service-to-service calls (a start, a create on a busy disk), so this target
    // gets its own deadline; each attempt may use all of it, and only fast failures are retried.
    const http = registry.client({
      name: `docker-engine ${new URL(options.dockerUrl).host}`,
      baseUrl: options.dockerUrl,
      policy: { deadlineMs: options.timeoutMs, attemptTimeoutMs: options.timeoutMs },
      external: true,
    });
    this.docker = new DockerEngineClient(http, {
      apiVersion: options.apiVersion,
      stopGraceSeconds: STOP_GRACE_SECONDS,
    });
  }

  /**
   * Creates and starts the container. A missing image is an error: pulling a Redroid image takes
   * minutes, far past a call's deadline, so images are pulled onto each host beforehand.
   */
  async createDevice(spec: ProvisionSpec): Promise<ProvisionedDevice> {
    const name = `cloudphone-${randomBytes(8).toString('hex')}`;
    const body = this.containerBody(spec, this.options.image, this.options.bootArgs);
    // The caller never learns this id, so nothing half-made should stay behind: a container that
    // would not start, or one whose create failed midway or lost its answer (best effort: a create
    // Docker finishes after this removal stays, and listDevices shows it). A create Docker refused
    // (4xx: no such image, the name taken by someone else's container) made nothing.
    try {
      await this.docker.createContainer(name, body);
    } catch (error) {
      if (!isRefusal(error)) await this.removeAbandoned(name);
      throw this.failure('create', name, error);
    }
    try {
      await this.docker.startContainer(name);
    } catch (error) {
      await this.removeAbandoned(name);
      throw this.failure('create', name, error);
    }
    // Just started: the first state read tells whether it kept running.
    return { providerDeviceId: name, state: 'provisioning' };
  }

  async getDeviceState(providerDeviceId: string): Promise<ProviderDeviceState> {
    try {
      return stateOf((await this.docker.inspectContainer(providerDeviceId)).State.Status);
    } catch (error) {
      if (isStatus(error, 404)) return 'destroyed';
      throw this.failure('getState', providerDeviceId, error);
    }
  }

  async destroyDevice(providerDeviceId: string): Promise<void> {
    try {
      await this.docker.removeContainer(providerDeviceId);
    } catch (error) {
      // Already gone, or another call is removing it right now: either way it converges on gone.
      if (isStatus(error, 404) || (isStatus(error, 409) && /already in progress/i.test(error.message))) {
        return;
      }
      throw this.failure('destroy', providerDeviceId, error);
    }
  }

  /**
   * Recreates the container under the same name: same image, boot arguments and spec (from its
   * labels), fresh data, a new container id and possibly a new host port. A retry after a failed
   * start converges (the created container carries the labels), but a reset interrupted between
   * the removal and the create leaves nothing to read the spec from, so retrying it fails.
   */
  async resetDevice(providerDeviceId: string): Promise<void> {
    try {
      const current = await this.docker.inspectContainer(providerDeviceId);
      const body = this.containerBody(specOf(current), current.Config.Image, current.Config.Cmd ?? []);
      await this.removeIfPresent(providerDeviceId);
      await this.docker.createContainer(providerDeviceId, body);
      await this.docker.startContainer(providerDeviceId);
    } catch (error) {
      throw this.failure('reset', providerDeviceId, error);
    }
  }

  async powerDevice(providerDeviceId: string, action: PowerAction): Promise<void> {
    try {
      if (action === 'start') await this.docker.startContainer(providerDeviceId);
      else if (action === 'stop') await this.docker.stopContainer(providerDeviceId);
      else await this.docker.restartContainer(providerDeviceId);
    } catch (error) {
      throw this.failure(action, providerDeviceId, error);
    }
  }

  async getConnection(providerDeviceId: string): Promise<DeviceConnection> {
    let container: ContainerInspection;
    try {
      container = await this.docker.inspectContainer(providerDeviceId);
    } catch (error) {
      throw this.failure('connect', providerDeviceId, error);
    }
    const binding = container.NetworkSettings?.Ports?.[ADB_PORT]?.find((entry) => entry.HostPort !== '');
    if (!binding) {
      throw new DeviceProviderError(
        this.name,
        'connect',
        `${providerDeviceId} has no host port for ADB (container ${container.State.Status})`,
      );
    }
    return { adb: { host: this.options.advertisedHost, port: Number(binding.HostPort) }, stream: null };
  }

  /** Every container carrying the managed label, stopped ones included, whoever created it. */
  async listDevices(): Promise<ProviderDeviceListing[]> {
    try {
      const containers = await this.docker.listContainers([`${LABELS.managed}=true`]);
      return containers.map((container) => ({
        providerDeviceId: nameOf(container),
        state: stateOf(container.State),
      }));
    } catch (error) {
      throw this.failure('list', undefined, error);
    }
  }

  private containerBody(spec: ProvisionSpec, image: string, bootArgs: string[]): ContainerCreateBody {
    return {
      Image: image,
      Cmd: bootArgs,
      Labels: {
        [LABELS.managed]: 'true',
        [LABELS.cpuCores]: String(spec.cpuCores),
        [LABELS.memoryMb]: String(spec.memoryMb),
        [LABELS.storageGb]: String(spec.storageGb),
        [LABELS.region]: spec.region,
        [LABELS.androidVersion]: spec.androidVersion,
      },
      ExposedPorts: { [ADB_PORT]: {} },
      HostConfig: {
        // Redroid runs Android's init and binder devices inside the container, which needs it.
        Privileged: true,
        NanoCpus: spec.cpuCores * 1_000_000_000,
        Memory: spec.memoryMb * 1024 * 1024,
        // An empty HostPort lets Docker pick a free one; getConnection reads which.
        PortBindings: { [ADB_PORT]: [{ HostIp: this.options.adbBindIp, HostPort: '' }] },
      },
    };
  }

  private async removeIfPresent(name: string): Promise<void> {
    try {
      await this.docker.removeContainer(name);
    } catch (error) {
      if (!isStatus(error, 404)) throw error;
    }
  }

  private async removeAbandoned(name: string): Promise<void> {
    try {
      await this.removeIfPresent(name);
    } catch (error) {
      this.logger.error({
        msg: 'could not remove a container whose create failed; listDevices shows it until it is removed',
        provider: this.name,
        providerDeviceId: name,
        err: error,
      });
    }
  }

  private failure(
    operation: DeviceProviderOperation,
    providerDeviceId: string | undefined,
    error: unknown,
  ): DeviceProviderError {
    const subject = providerDeviceId === undefined ? operation : `${operation} ${providerDeviceId}`;
    let reason: string;
    if (error instanceof DockerEngineError) {
      reason =
        error.status === undefined
          ? `Docker Engine did not answer: ${error.message}`
          : `Docker Engine answered ${error.status}: ${error.message}`;
    } else {
      reason = error instanceof Error ? error.message : String(error);
    }
    return new DeviceProviderError(this.name, operation, `${subject}: ${reason}`);
  }
}

function isStatus(error: unknown, status: number): error is DockerEngineError {
  return error instanceof DockerEngineError && error.status === status;
}

/** Docker said no (4xx): unlike a 5xx, a lost answer or an unreadable 201, the call changed nothing. */
function isRefusal(error: unknown): boolean {
  return (
    error instanceof DockerEngineError &&
    error.status !== undefined &&
    error.status >= 400 &&
    error.status < 500
  );
}

/** The container's own name: the one without a link prefix (`/name`, not `/other/name`). */
function nameOf(container: ContainerSummary): string {
  const own = container.Names.find((name) => name.lastIndexOf('/') === 0);
  return own === undefined ? container.Id : own.slice(1);
}

function stateOf(status: string): ProviderDeviceState {
  // A status a newer Docker might add is not a state the pool can rely on.
  return STATES.get(status) ?? 'error';
}

/** The spec a managed container was created with, from its labels. */
function specOf(container: ContainerInspection): ProvisionSpec {
  const labels = container.Config.Labels ?? {};
  if (labels[LABELS.managed] !== 'true') {
    throw new Error(`${container.Name.slice(1)} is not a container this platform manages`);
  }
  const text = (label: string): string => {
    const value = labels[label];
    if (!value) throw new Error(`${container.Name.slice(1)} has no ${label} label`);
    return value;
  };
  const whole = (label: string): number => {
    const value = Number(text(label));
    if (!Number.isSafeInteger(value) || value <= 0) {
      throw new Error(`label ${label} is not a positive integer`);
    }
    return value;
  };
  return {
    cpuCores: whole(LABELS.cpuCores),
    memoryMb: whole(LABELS.memoryMb),
    storageGb: whole(LABELS.storageGb),
    region: text(LABELS.region),
    androidVersion: text(LABELS.androidVersion),
  };
}
