import type { SmsMessageResponse } from '@cloudphone/contracts';
import type { SmsMessageRecord } from './sms-message-record';

export function smsMessageResponse(message: SmsMessageRecord): SmsMessageResponse {
  return {
    id: message.id,
    numberId: message.numberId,
    phoneNumber: message.phoneNumber,
    service: message.service,
    sender: message.sender,
    text: message.body,
    code: message.code,
    receivedAt: message.receivedAt.toISOString(),
  };
}
