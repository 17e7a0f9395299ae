import { AppError } from '@cloudphone/shared';

export const PreferenceErrors = {
  /** A choice the rules refuse: an unknown event type, a channel it never uses, a locked security email. */
  refused: (code: string, eventType: string, channel: string) =>
    new AppError(code, 422, refusalMessage(code), { eventType, channel }),
  /** The same event type and channel twice in one batch: which one wins would be a guess. */
  duplicate: (eventType: string, channel: string) =>
    new AppError('DUPLICATE_PREFERENCE', 400, 'A batch names each event type and channel once', {
      eventType,
      channel,
    }),
};

function refusalMessage(code: string): string {
  switch (code) {
    case 'UNKNOWN_EVENT_TYPE':
      return 'No notification exists for this event type';
    case 'CHANNEL_NOT_ALLOWED':
      return 'This event type is never sent by this channel';
    default:
      return 'Security emails cannot be switched off';
  }
}
