import { Injectable } from '@nestjs/common';
import type { SchedulingPolicy } from '@cloudphone/contracts';
import { CacheService } from '@cloudphone/shared';
import { StrategiesRepository } from './strategies.repository';

/** What placement needs to know on every claim. */
export interface PlacementSettings {
  /** Whether any node exists: without nodes, the claim needs no scoring. */
  nodesExist: boolean;
  policy: SchedulingPolicy;
  affinityWeight: number;
  strategy: string | null;
}

export const PLACEMENT_CACHE_TAG = 'placement-settings';
const TTL_MS = 5000;

/**
 * The placement settings, cached per process (two-tier cache, evicted on every replica when a node
 * or strategy changes), so a claim does not read them from the database each time.
 */
@Injectable()
export class PlacementSettingsService {
  constructor(
    private readonly strategies: StrategiesRepository,
    private readonly cache: CacheService,
  ) {}

  current(): Promise<PlacementSettings> {
    return this.cache.wrap('placement:settings', () => this.load(), {
      ttlMs: TTL_MS,
      tags: [PLACEMENT_CACHE_TAG],
    });
  }

  /** After a node or strategy change commits. */
  changed(): Promise<void> {
    return this.cache.invalidateTags(PLACEMENT_CACHE_TAG);
  }

  private async load(): Promise<PlacementSettings> {
    const [active, nodesExist] = await Promise.all([this.strategies.active(), this.strategies.nodesExist()]);
    return {
      nodesExist,
      policy: active?.policy ?? 'spread',
      affinityWeight: active ? Number(active.affinityWeight) : 0.3,
      strategy: active?.name ?? null,
    };
  }
}
