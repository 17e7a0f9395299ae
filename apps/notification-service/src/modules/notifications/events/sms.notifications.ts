import {
  DOMAIN_EVENTS,
  type SmsCodeReceivedEventData,
  type SmsNumberExpiredEventData,
} from '@cloudphone/contracts';
import type { EventNotificationRecipe } from './event-notification-recipe';

/** `sms.code_received` → "SMS code received" with the code; one per number (its first code). */
export const SMS_CODE_RECEIVED_NOTIFICATION: EventNotificationRecipe<SmsCodeReceivedEventData> = {
  versions: [1],
  sourceKey: (data) => `${DOMAIN_EVENTS.smsCodeReceived}:${data.numberId}`,
  text: (data) => ({
    title: 'SMS code received',
    body: `Your ${data.service} code for ${data.phoneNumber} is ${data.code}.`,
  }),
};

/** `sms.number_expired` → "Number expired" saying it cost nothing; one per number. */
export const SMS_NUMBER_EXPIRED_NOTIFICATION: EventNotificationRecipe<SmsNumberExpiredEventData> = {
  versions: [1],
  sourceKey: (data) => `${DOMAIN_EVENTS.smsNumberExpired}:${data.numberId}`,
  text: (data) => ({
    title: 'Number expired',
    body: `No ${data.service} code reached ${data.phoneNumber} in time. The number was given back and cost you nothing.`,
  }),
};
