import type { ProxyRentalResponse } from '@cloudphone/contracts';
import type { RentalRecord } from './rental-record';
import type { CredentialsCipher } from '@cloudphone/shared';

/**
 * A rental as its renter sees it. The connection (with the decrypted credentials) only while it is
 * live: an ended rental's proxy may belong to someone else now.
 */
export function rentalResponse(rental: RentalRecord, cipher: CredentialsCipher): ProxyRentalResponse {
  const live = rental.endedAt === null;
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
    status: live ? 'active' : 'ended',
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
