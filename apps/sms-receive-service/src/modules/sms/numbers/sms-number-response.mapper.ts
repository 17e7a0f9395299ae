import type { SmsNumberResponse } from '@cloudphone/contracts';
import type { SmsNumberRecord } from './sms-number-record';

export function smsNumberResponse(number: SmsNumberRecord): SmsNumberResponse {
  return {
    id: number.id,
    phoneNumber: number.phoneNumber,
    service: number.service,
    countryCode: number.countryCode,
    provider: number.provider,
    status: number.status,
    userId: number.userId,
    allocationId: number.allocationId,
    priceMinor: number.priceMinor.toString(),
    currency: number.currency,
    code: number.code,
    codeReceivedAt: number.codeReceivedAt?.toISOString() ?? null,
    expiresAt: number.expiresAt.toISOString(),
    endReason: number.endReason,
    createdAt: number.createdAt.toISOString(),
  };
}
