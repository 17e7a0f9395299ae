import { Inject, Injectable } from '@nestjs/common';
import { CacheService, HttpClientRegistry } from '@cloudphone/shared';
import { type DeviceProviderKind, DeviceServiceConfig } from '../../../config/device-service.config';
import { DEVICE_PROVIDER, type DeviceProvider } from '../../../integrations/device-provider/device-provider';
import {
  buildDeviceProvider,
  deploymentSettings,
} from '../../../integrations/device-provider/device-provider.factory';
import {
  type ProviderSettings,
  providerIdentity,
} from '../../../integrations/device-provider/provider-settings';
import { type NodeProvider, NodeProvidersRepository } from './node-providers.repository';

/** Where a device lives: the provider that made it, and its node (if any). */
export interface DeviceLocation {
  provider: string;
  nodeId: string | null;
}

/** One place devices live (a Docker host, the simulated cloud) and the devices it holds. */
export interface ProviderPlace {
  /** Stable name of the place (`simulated`, `redroid:http://host:2375/`). */
  identity: string;
  driver: DeviceProvider;
  /** Nodes whose own provider is this place. */
  nodeIds: string[];
  /** Whether devices on the deployment's DEVICE_PROVIDER live here too. */
  includesDeployment: boolean;
}

export const NODE_PROVIDERS_CACHE_TAG = 'node-providers';
const TTL_MS = 5000;
/** Drivers kept per process: one per distinct node setting, far more than any pool has. */
const MAX_DRIVERS = 256;

/**
 * The driver of each device. A device on a node with a provider of its own (README "Providers per
 * node") is driven with that node's settings; every other device by the deployment's
 * DEVICE_PROVIDER. A device whose provider no driver here serves (the deployment switched
 * providers) gets none, and callers leave it alone rather than ask the wrong provider.
 */
@Injectable()
export class DeviceDrivers {
  private readonly drivers = new Map<string, DeviceProvider>();

  constructor(
    @Inject(DEVICE_PROVIDER) private readonly deployment: DeviceProvider,
    private readonly nodes: NodeProvidersRepository,
    private readonly cache: CacheService,
    private readonly config: DeviceServiceConfig,
    private readonly registry: HttpClientRegistry,
  ) {
    this.drivers.set(driverKey(config.deviceProvider, deploymentSettings(config)), deployment);
  }

  /** The driver of an existing device, or null when none here serves its provider. */
  async of(device: DeviceLocation): Promise<DeviceProvider | null> {
    const driver = await this.forNode(device.nodeId);
    return driver.name === device.provider ? driver : null;
  }

  /** The driver new devices on this node (or without one) are created with. */
  async forNode(nodeId: string | null): Promise<DeviceProvider> {
    const own = nodeId === null ? null : await this.nodeProvider(nodeId);
    return own ? this.driver(own.provider, own.settings) : this.deployment;
  }

  /** Every place devices live, each with one driver to list it: the reconciler's rounds. */
  async places(): Promise<ProviderPlace[]> {
    const places = new Map<string, ProviderPlace>();
    const deploymentIdentity = providerIdentity(this.config.deviceProvider, deploymentSettings(this.config));
    places.set(deploymentIdentity, {
      identity: deploymentIdentity,
      driver: this.deployment,
      nodeIds: [],
      includesDeployment: true,
    });
    for (const node of await this.nodes.all()) {
      const identity = providerIdentity(node.provider, node.settings);
      const place = places.get(identity) ?? {
        identity,
        driver: this.driver(node.provider, node.settings),
        nodeIds: [],
        includesDeployment: false,
      };
      place.nodeIds.push(node.nodeId);
      places.set(identity, place);
    }
    return [...places.values()];
  }

  /** After a node's provider settings change (every replica drops its copy). */
  changed(): Promise<void> {
    return this.cache.invalidateTags(NODE_PROVIDERS_CACHE_TAG);
  }

  private async nodeProvider(nodeId: string): Promise<NodeProvider | null> {
    // Wrapped so an absent provider caches too (the cache keeps only objects).
    const found = await this.cache.wrap(
      `node-provider:${nodeId}`,
      async () => ({ own: await this.nodes.of(nodeId) }),
      {
        ttlMs: TTL_MS,
        tags: [NODE_PROVIDERS_CACHE_TAG],
      },
    );
    return found.own;
  }

  private driver(kind: DeviceProviderKind, settings: ProviderSettings): DeviceProvider {
    const key = driverKey(kind, settings);
    let driver = this.drivers.get(key);
    if (!driver) {
      // The deployment's driver stays; others are rebuilt on demand (they hold no state but clients).
      if (this.drivers.size >= MAX_DRIVERS)
        for (const old of [...this.drivers.keys()].slice(1)) this.drivers.delete(old);
      driver = buildDeviceProvider(kind, settings, this.config, this.registry);
      this.drivers.set(key, driver);
    }
    return driver;
  }
}

/** Same kind and settings, same driver (keys sorted, so their order in the JSON does not matter). */
function driverKey(kind: string, settings: ProviderSettings): string {
  return `${kind}:${JSON.stringify(Object.entries(settings).sort(([a], [b]) => a.localeCompare(b)))}`;
}
