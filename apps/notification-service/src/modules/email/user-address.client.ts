import { USER_ROUTES, type UserResponse } from '@cloudphone/contracts';
import { type HttpClient, HttpClientError, type MetricsService, ServiceClient } from '@cloudphone/shared';

/** A user's address as user-service has it now; `found: false` when it has no such user. */
export type UserAddress =
  | { found: true; email: string; displayName: string; emailVerified: boolean; active: boolean }
  | { found: false };

/**
 * user-service's user records, read with the service token (GET users/:id): where to email a user
 * whose event did not carry the address. Read at send time, so an address changed since the event
 * is the one used. An unavailable user-service throws DependencyUnavailableError; other refusals
 * throw their HttpClientError.
 */
export class UserAddressClient extends ServiceClient {
  constructor(http: HttpClient, metrics: MetricsService) {
    super(http, metrics);
  }

  async addressOf(userId: string): Promise<UserAddress> {
    try {
      const user = await this.strictCall('user.read', () =>
        this.http.get<UserResponse>(USER_ROUTES.user, { params: { id: userId } }),
      );
      return {
        found: true,
        email: user.email,
        displayName: user.displayName ?? '',
        emailVerified: user.emailVerified === true,
        active: user.status === 'active',
      };
    } catch (error) {
      if (error instanceof HttpClientError && error.status === 404) return { found: false };
      throw error;
    }
  }
}
