import { DEVICE_ROUTES, type ReservationResponse, type ReservationStatus } from '@cloudphone/contracts';
import { type HttpClient, HttpClientError, type MetricsService, ServiceClient } from '@cloudphone/shared';

/** Reservation states in which device-service holds the booking's quota (taken when it was booked). */
const QUOTA_HOLDING: readonly ReservationStatus[] = ['pending', 'confirmed', 'active'];

/**
 * device-service's reservations, read with the service token. A booked reservation takes quota
 * under its own id days before its allocation exists, and the live-allocations query does not
 * list it: quota reconciliation asks here before giving such quota back. Strict: while
 * device-service is unavailable it throws (503), so nothing is restored on a guess.
 */
export class DeviceReservationsClient extends ServiceClient {
  constructor(http: HttpClient, metrics: MetricsService) {
    super(http, metrics);
  }

  /** Whether `id` is a reservation of `userId` that still holds its quota. */
  async holdsQuota(id: string, userId: string): Promise<boolean> {
    try {
      const reservation = await this.strictCall('reservation.read', () =>
        this.http.get<ReservationResponse>(DEVICE_ROUTES.reservation, { params: { id } }),
      );
      return reservation.userId === userId && QUOTA_HOLDING.includes(reservation.status);
    } catch (error) {
      // No reservation has this id: it was an allocation.
      if (error instanceof HttpClientError && error.status === 404) return false;
      throw error;
    }
  }
}
