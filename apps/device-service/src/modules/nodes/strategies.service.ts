import { Injectable, Logger } from '@nestjs/common';
import type { CreateStrategyRequest, StrategyResponse, UpdateStrategyRequest } from '@cloudphone/contracts';
import { actorOf, afterCommit, type Principal, TransactionRunner } from '@cloudphone/shared';
import { NodeErrors } from './nodes.errors';
import { PlacementSettingsService } from './placement-settings.service';
import { type StrategyRecord, StrategiesRepository } from './strategies.repository';

function toStrategyResponse(record: StrategyRecord): StrategyResponse {
  return {
    ...record,
    affinityWeight: Number(record.affinityWeight),
    createdAt: record.createdAt.toISOString(),
    updatedAt: record.updatedAt.toISOString(),
  };
}

/** Named placement strategies (`/scheduler/strategies`): CRUD, and one active. */
@Injectable()
export class StrategiesService {
  private readonly logger = new Logger(StrategiesService.name);

  constructor(
    private readonly strategies: StrategiesRepository,
    private readonly settings: PlacementSettingsService,
    private readonly transactions: TransactionRunner,
  ) {}

  async list(): Promise<StrategyResponse[]> {
    return (await this.strategies.list()).map(toStrategyResponse);
  }

  /** The active strategy; when none is, what placement uses: spread, unnamed. */
  async active(): Promise<StrategyResponse | { policy: 'spread'; active: false; name: null }> {
    const active = await this.strategies.active();
    return active ? toStrategyResponse(active) : { policy: 'spread', active: false, name: null };
  }

  async create(request: CreateStrategyRequest, principal: Principal): Promise<StrategyResponse> {
    const created = await this.strategies.insert(request);
    if (!created) throw NodeErrors.strategyNameTaken(request.name);
    this.logger.log({ msg: 'strategy created', strategyId: created.id, by: actorOf(principal) });
    return toStrategyResponse(created);
  }

  async update(id: string, request: UpdateStrategyRequest, principal: Principal): Promise<StrategyResponse> {
    const updated = await this.strategies.update(id, request);
    if (updated === undefined) throw NodeErrors.strategyNotFound(id);
    if (updated === null) throw NodeErrors.strategyNameTaken(request.name ?? '');
    if (updated.active) await this.settings.changed();
    this.logger.log({ msg: 'strategy updated', strategyId: id, by: actorOf(principal) });
    return toStrategyResponse(updated);
  }

  async delete(id: string, principal: Principal): Promise<void> {
    const outcome = await this.strategies.delete(id);
    if (outcome === 'missing') throw NodeErrors.strategyNotFound(id);
    if (outcome === 'active') throw NodeErrors.strategyActive(id);
    this.logger.log({ msg: 'strategy deleted', strategyId: id, by: actorOf(principal) });
  }

  async activate(id: string, principal: Principal): Promise<StrategyResponse> {
    const active = await this.transactions.run(async () => {
      const activated = await this.strategies.activate(id);
      if (!activated) throw NodeErrors.strategyNotFound(id);
      await afterCommit(() => this.settings.changed());
      return activated;
    });
    this.logger.log({
      msg: 'strategy activated',
      strategyId: id,
      policy: active.policy,
      by: actorOf(principal),
    });
    return toStrategyResponse(active);
  }
}
