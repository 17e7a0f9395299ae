import { USER_ROUTES, type UserResponse, type UserStatus, type UserTier } from '@cloudphone/contracts';
import {
  type HttpClient,
  HttpClientError,
  type MetricsService,
  ServiceClient,
  type UnavailabilityPolicy,
} from '@cloudphone/shared';

/** A user's standing as user-service sees it now; `degraded` when it could not be asked. */
export type UserStanding =
  | { degraded: false; found: true; tier: UserTier; status: UserStatus }
  | { degraded: false; found: false }
  | { degraded: true };

/**
 * user-service's user records, read with the service token: the tier that decides a user's
 * extension policy (and whether they are still active). Read at the moment of the decision, so a
 * tier change applies to the next extension without any copy to keep in step.
 */
export class UserDirectoryClient extends ServiceClient {
  constructor(
    http: HttpClient,
    metrics: MetricsService,
    private readonly whenUnavailable: UnavailabilityPolicy,
  ) {
    super(http, metrics);
  }

  async standing(userId: string): Promise<UserStanding> {
    try {
      const result = await this.policyCheck('user.read', this.whenUnavailable, () =>
        this.http.get<UserResponse>(USER_ROUTES.user, { params: { id: userId } }),
      );
      if (result.degraded) return { degraded: true };
      return { degraded: false, found: true, tier: result.response.tier, status: result.response.status };
    } catch (error) {
      if (error instanceof HttpClientError && error.status === 404) return { degraded: false, found: false };
      throw error;
    }
  }
}
