import { Injectable, Logger } from '@nestjs/common';
import type {
  ClusterStatsResponse,
  CreateNodeRequest,
  NodeResponse,
  NodeProvider,
  NodeState,
  UpdateNodeRequest,
  UsageTrendResponse,
} from '@cloudphone/contracts';
import {
  actorOf,
  AppError,
  type ListQuery,
  mapInParallel,
  type Page,
  type Principal,
  TransactionRunner,
} from '@cloudphone/shared';
import { DeviceDrivers, DevicesService } from '../devices';
import { providerChangeOf, type ProviderRequest } from './node-provider-change';
import { toNodeResponse } from './node-record';
import { labelsProblem, taintsProblem } from './node-rules';
import { NodeErrors } from './nodes.errors';
import { NodesRepository } from './nodes.repository';
import { PlacementSettingsService } from './placement-settings.service';

/** Devices one drain pass retires, and how many provider destroys run at once. */
const DRAIN_BATCH = 100;
const DRAIN_IN_FLIGHT = 8;

/**
 * Nodes (`/scheduler/nodes`): the hosts devices run on. Placement reads them (schedulable, taints,
 * load, cost); drain and maintenance take a node out of placement, and a draining node's devices are
 * retired as soon as no allocation holds them (the hand-over retires a released one instead of
 * wiping it), so a drained node ends with no devices.
 */
@Injectable()
export class NodesService {
  private readonly logger = new Logger(NodesService.name);

  constructor(
    private readonly nodes: NodesRepository,
    private readonly devices: DevicesService,
    private readonly settings: PlacementSettingsService,
    private readonly drivers: DeviceDrivers,
    private readonly transactions: TransactionRunner,
  ) {}

  async list(query: ListQuery): Promise<Page<NodeResponse>> {
    const page = await this.nodes.list(query);
    return { ...page, items: page.items.map(toNodeResponse) };
  }

  async get(id: string): Promise<NodeResponse> {
    const node = await this.nodes.findById(id);
    if (!node) throw NodeErrors.notFound(id);
    return toNodeResponse(node);
  }

  async create(request: CreateNodeRequest, principal: Principal): Promise<NodeResponse> {
    checkShape(request);
    const change = checkedProvider(null, request);
    const providerSettings = change.kind === 'set' ? change.settings : {};
    const id = await this.nodes.insert({ ...request, providerSettings });
    if (!id) throw NodeErrors.nameTaken(request.name);
    await this.settings.changed();
    this.logger.log({ msg: 'node created', nodeId: id, name: request.name, by: actorOf(principal) });
    return this.get(id);
  }

  async update(id: string, request: UpdateNodeRequest, principal: Principal): Promise<NodeResponse> {
    checkShape(request);
    await this.transactions.run(async () => {
      if (!(await this.nodes.update(id, request))) throw NodeErrors.notFound(id);
      await this.changeProvider(id, request);
    });
    await this.settings.changed();
    await this.drivers.changed();
    this.logger.log({ msg: 'node updated', nodeId: id, by: actorOf(principal) });
    return this.get(id);
  }

  /**
   * Under the node's lock (which adding a device to it takes too): a node holding devices keeps its
   * provider, since they live there; its settings may change (a Docker host's new address).
   */
  private async changeProvider(id: string, request: ProviderRequest): Promise<void> {
    const current = await this.nodes.lockProvider(id);
    if (!current) throw NodeErrors.notFound(id);
    const change = checkedProvider(current.provider, request);
    if (change.kind !== 'set') return;
    if (change.switches && current.holdsDevices) throw NodeErrors.providerInUse(id, current.provider);
    await this.nodes.setProvider(id, change.provider, change.settings);
  }

  async delete(id: string, principal: Principal): Promise<void> {
    const outcome = await this.nodes.delete(id);
    if (outcome === 'missing') throw NodeErrors.notFound(id);
    if (outcome === 'in-use') throw NodeErrors.inUse(id);
    await this.settings.changed();
    this.logger.log({ msg: 'node deleted', nodeId: id, by: actorOf(principal) });
  }

  /** drain, maintenance, uncordon: the node's new state (repeating one answers the same). */
  async setState(id: string, state: NodeState, principal: Principal): Promise<NodeResponse> {
    if (!(await this.nodes.setState(id, state))) throw NodeErrors.notFound(id);
    await this.settings.changed();
    this.logger.log({ msg: `node ${state}`, nodeId: id, by: actorOf(principal) });
    if (state === 'draining') await this.retireDrained(principal);
    return this.get(id);
  }

  /** Retires the devices of draining nodes that nothing holds; answers how many. */
  async retireDrained(principal: Principal | null): Promise<number> {
    let retired = 0;
    for (;;) {
      const batch = await this.nodes.drainable(DRAIN_BATCH);
      const outcomes = await mapInParallel(batch, DRAIN_IN_FLIGHT, async ({ id }) => {
        try {
          await this.devices.retire(id, principal ?? { kind: 'service', service: 'node-drain' });
          return true;
        } catch (error) {
          // A device claimed meanwhile, or a provider failure: the next pass tries again.
          if (!(error instanceof AppError)) throw error;
          this.logger.warn({ msg: 'could not retire a drained device yet', deviceId: id, code: error.code });
          return false;
        }
      });
      const done = outcomes.filter(Boolean).length;
      retired += done;
      if (batch.length < DRAIN_BATCH || done === 0) return retired;
    }
  }

  async usageTrend(nodeId: string | null, hours: number): Promise<UsageTrendResponse> {
    if (nodeId !== null && !(await this.nodes.findById(nodeId))) throw NodeErrors.notFound(nodeId);
    return { nodeId, samples: await this.nodes.usageTrend(nodeId, hours) };
  }

  async clusterStats(): Promise<ClusterStatsResponse> {
    const stats = await this.nodes.clusterStats();
    const nodesByState = { schedulable: 0, maintenance: 0, draining: 0 };
    for (const row of stats.nodesByState) nodesByState[row.state] = row.count;
    const devicesByStatus = Object.fromEntries(stats.devicesByStatus.map((row) => [row.status, row.count]));
    const inService = ['available', 'allocated', 'resetting'].reduce(
      (sum, status) => sum + (devicesByStatus[status] ?? 0),
      0,
    );
    return {
      nodesByState,
      devicesByStatus,
      byRegion: stats.byRegion,
      utilisation: inService === 0 ? 0 : Number(((devicesByStatus.allocated ?? 0) / inService).toFixed(4)),
    };
  }
}

function checkedProvider(current: NodeProvider | null, request: ProviderRequest) {
  const change = providerChangeOf(current, request);
  if (change.kind === 'invalid') throw NodeErrors.invalid('providerSettings', change.reason);
  return change;
}

function checkShape(request: UpdateNodeRequest): void {
  if (request.labels !== undefined) {
    const problem = labelsProblem(request.labels);
    if (problem) throw NodeErrors.invalid('labels', problem);
  }
  if (request.taints !== undefined) {
    const problem = taintsProblem(request.taints);
    if (problem) throw NodeErrors.invalid('taints', problem);
  }
}
