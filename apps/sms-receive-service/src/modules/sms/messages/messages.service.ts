import { Injectable } from '@nestjs/common';
import type { SmsMessageResponse, SmsStatisticsResponse } from '@cloudphone/contracts';
import {
  AppError,
  assertMayActFor,
  type ListQuery,
  listOwnerFor,
  type Page,
  type Principal,
} from '@cloudphone/shared';
import { SmsReceiveServiceConfig } from '../../../config/sms-receive-service.config';
import { NumberStatsRepository } from '../numbers/number-stats.repository';
import { MessagesRepository } from './messages.repository';
import { smsMessageResponse } from './sms-message-response.mapper';

/** The window statistics cover. */
const STATISTICS_HOURS = 24;

const notFound = (messageId: string) =>
  new AppError('SMS_MESSAGE_NOT_FOUND', 404, 'Message not found', { messageId });
const actingForOthers = () =>
  new AppError('FORBIDDEN', 403, "Only an admin or a service may read another user's messages");

@Injectable()
export class MessagesService {
  constructor(
    private readonly messages: MessagesRepository,
    private readonly stats: NumberStatsRepository,
    private readonly config: SmsReceiveServiceConfig,
  ) {}

  async list(query: ListQuery, principal: Principal, withCode: boolean): Promise<Page<SmsMessageResponse>> {
    const asked = query.filters.find((filter) => filter.name === 'userId')?.value;
    const owner = listOwnerFor(principal, asked === undefined ? undefined : String(asked), actingForOthers);
    const page = await this.messages.list(query, owner, withCode);
    return { ...page, items: page.items.map(smsMessageResponse) };
  }

  async get(id: string, principal: Principal): Promise<SmsMessageResponse> {
    const message = await this.messages.findById(id);
    if (!message || message.userId === null) throw notFound(id);
    assertMayActFor(principal, message.userId, () => notFound(id));
    return smsMessageResponse(message);
  }

  async statistics(): Promise<SmsStatisticsResponse> {
    return {
      items: await this.stats.statistics(STATISTICS_HOURS),
      windowHours: STATISTICS_HOURS,
      currency: this.config.currency,
    };
  }
}
