import { Injectable } from '@nestjs/common';
import type { AllocateDeviceRequest, PlacementExplanation } from '@cloudphone/contracts';
import { actsForEveryone, CommonErrors, type Principal } from '@cloudphone/shared';
import { allocationSubject, claimRequestOf } from './allocation-request';
import { PlacementChoices } from './placement-choice';
import { PlacementRepository } from './placement.repository';

/** Candidates an explanation shows: the choice and this many alternatives. */
const ALTERNATIVES = 5;

/**
 * `POST /scheduler/devices/allocate?explain=true` (admin): the device a claim for this request would
 * take now and the best alternatives, with each score's parts. A dry run: nothing is claimed, and a
 * claim made next may still choose otherwise if the pool changes in between.
 */
@Injectable()
export class ExplainPlacementUseCase {
  constructor(
    private readonly placement: PlacementChoices,
    private readonly repository: PlacementRepository,
  ) {}

  async explain(principal: Principal, request: AllocateDeviceRequest): Promise<PlacementExplanation> {
    if (!actsForEveryone(principal))
      throw CommonErrors.forbidden('Only an admin may ask why a device is chosen');
    const subject = allocationSubject(principal, request);
    const choice = await this.placement.choice();
    const scored = choice.scored
      ? choice
      : { scored: true as const, policy: 'spread' as const, affinityWeight: 0 };
    const ranked = await this.repository.rank(
      claimRequestOf(subject, request, null, null),
      scored,
      ALTERNATIVES + 1,
    );
    return {
      policy: scored.policy,
      strategy: await this.placement.strategyName(),
      chosen: ranked[0] ?? null,
      alternatives: ranked.slice(1),
    };
  }
}
