import { Injectable } from '@nestjs/common';
import {
  NOTIFICATION_CHANNELS,
  NOTIFICATION_LOCALES,
  type NotificationChannelName,
  type NotificationLocale,
  type NotificationPreferenceView,
  type NotificationPreferencesResponse,
  type UpdateNotificationPreferencesRequest,
} from '@cloudphone/contracts';
import { TransactionRunner } from '@cloudphone/shared';
import { EVENT_CHANNEL_RULES, choiceProblem, effectiveChannels } from './channel-defaults';
import { PreferenceErrors } from './preferences.errors';
import { PreferencesRepository } from './preferences.repository';

/** Users' channel choices over the defaults of channel-defaults.ts, and the language of their email. */
@Injectable()
export class NotificationPreferences {
  constructor(
    private readonly preferences: PreferencesRepository,
    private readonly transactions: TransactionRunner,
  ) {}

  /** The channels this event type takes for this user now. */
  async channelsFor(userId: string, eventType: string): Promise<NotificationChannelName[]> {
    return effectiveChannels(eventType, await this.preferences.choicesFor(userId, eventType));
  }

  async localeOf(userId: string | null): Promise<NotificationLocale> {
    const stored = userId ? await this.preferences.localeOf(userId) : null;
    return NOTIFICATION_LOCALES.find((locale) => locale === stored) ?? NOTIFICATION_LOCALES[0];
  }

  async view(userId: string): Promise<NotificationPreferencesResponse> {
    const choices = new Map<string, Map<NotificationChannelName, boolean>>();
    for (const choice of await this.preferences.allChoices(userId)) {
      const perEvent = choices.get(choice.eventType) ?? new Map<NotificationChannelName, boolean>();
      perEvent.set(choice.channel, choice.enabled);
      choices.set(choice.eventType, perEvent);
    }
    const preferences: NotificationPreferenceView[] = [];
    for (const [eventType, rule] of Object.entries(EVENT_CHANNEL_RULES)) {
      const chosen = choices.get(eventType) ?? new Map<NotificationChannelName, boolean>();
      const enabled = effectiveChannels(eventType, chosen);
      for (const channel of NOTIFICATION_CHANNELS.filter((c) => rule.allowed.includes(c))) {
        const locked = rule.locked.includes(channel);
        preferences.push({
          eventType,
          channel,
          enabled: enabled.includes(channel),
          locked,
          isDefault: locked || !chosen.has(channel),
        });
      }
    }
    return { locale: await this.localeOf(userId), preferences };
  }

  /** Applies the whole batch or nothing: every choice is checked before any is stored. */
  async update(
    userId: string,
    request: UpdateNotificationPreferencesRequest,
  ): Promise<NotificationPreferencesResponse> {
    const choices = request.preferences ?? [];
    const seen = new Set<string>();
    for (const { eventType, channel, enabled } of choices) {
      const key = `${eventType}\n${channel}`;
      if (seen.has(key)) throw PreferenceErrors.duplicate(eventType, channel);
      seen.add(key);
      const problem = choiceProblem(eventType, channel, enabled);
      if (problem) throw PreferenceErrors.refused(problem, eventType, channel);
    }
    await this.transactions.run(async () => {
      await this.preferences.upsertChoices(userId, choices);
      if (request.locale) await this.preferences.setLocale(userId, request.locale);
    });
    return this.view(userId);
  }
}
