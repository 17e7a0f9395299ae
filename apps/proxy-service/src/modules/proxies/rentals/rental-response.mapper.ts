import type { ProxyRentalResponse } from '@cloudphone/contracts';
import type { RentalRecord } from './rental-record';
import { type CredentialsCipher, type Principal, standingToward } from '@cloudphone/shared';

/**
 * A rental as the caller sees it. The connection (with the decrypted credentials) only for the
 * renter (or a service acting for them), never an admin looking on, as device access is, and only
 * while the rental is live: an ended rental's proxy may belong to someone else now.
 */
export function rentalResponse(
  rental: RentalRecord,
  cipher: CredentialsCipher,
  principal: Principal,
): ProxyRentalResponse {
  const live = rental.endedAt === null && standingToward(principal, rental.userId) !== 'admin';
  return {
    id: rental.id,
    proxyId: rental.proxyId,
    userId: rental.userId,
    tenantId: rental.tenantId,
    allocationId: rental.allocationId,
    provider: rental.provider,
    countryCode: rental.countryCode,
    city: rental.city,
    type: rental.type,
    status: rental.endedAt === null ? 'active' : 'ended',
    startedAt: rental.startedAt.toISOString(),
    expiresAt: rental.expiresAt.toISOString(),
    endedAt: rental.endedAt?.toISOString() ?? null,
    endReason: rental.endReason,
    pricePerHourMicros: rental.pricePerHourMicros.toString(),
    pricePerGbMicros: rental.pricePerGbMicros.toString(),
    currency: rental.currency,
    ...(live
      ? {
          connection: {
            host: rental.host,
            port: rental.port,
            protocol: rental.protocol,
            username: cipher.decryptOptional(rental.usernameEncrypted),
            password: cipher.decryptOptional(rental.passwordEncrypted),
          },
        }
      : {}),
  };
}
