import { USER_ROUTES, type UserResponse } from '@cloudphone/contracts';
import type { HttpClient } from '../http/http-client';
import { HttpClientError } from '../http/http-client.errors';
import { ServiceClient } from '../http/service-client';
import type { MetricsService } from '../metrics/metrics.service';

/** user-service's users, read with the service token: whether a renter still exists and is active. */
export class UserStandingClient extends ServiceClient {
  constructor(http: HttpClient, metrics: MetricsService) {
    super(http, metrics);
  }

  /** `gone` when user-service has no such user or it is not active any more. */
  async standing(userId: string): Promise<'active' | 'gone'> {
    try {
      const user = await this.strictCall('user.read', () =>
        this.http.get<UserResponse>(USER_ROUTES.user, { params: { id: userId } }),
      );
      return user.status === 'active' ? 'active' : 'gone';
    } catch (error) {
      if (error instanceof HttpClientError && error.status === 404) return 'gone';
      throw error;
    }
  }
}
