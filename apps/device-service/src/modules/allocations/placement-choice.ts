import { Injectable } from '@nestjs/common';
import type { SchedulingPolicy } from '@cloudphone/contracts';
import { PlacementSettingsService } from '../nodes';

/** How a claim chooses its device: plainly (no nodes), or scored under a policy. */
export type PlacementChoice =
  { scored: false } | { scored: true; policy: SchedulingPolicy; affinityWeight: number };

export const PLAIN: PlacementChoice = { scored: false };

/** The choice every claim makes now: scored by the active strategy once any node exists. */
@Injectable()
export class PlacementChoices {
  constructor(private readonly settings: PlacementSettingsService) {}

  async choice(): Promise<PlacementChoice> {
    const settings = await this.settings.current();
    if (!settings.nodesExist) return PLAIN;
    return { scored: true, policy: settings.policy, affinityWeight: settings.affinityWeight };
  }

  /** The active strategy's name (null: none, spread), for explanations. */
  async strategyName(): Promise<string | null> {
    return (await this.settings.current()).strategy;
  }
}
