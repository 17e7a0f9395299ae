import { Injectable, Logger } from '@nestjs/common';
import type {
  RentNumberRequest,
  RentNumbersBatchResponse,
  SmsCodeResponse,
  SmsMessagesResponse,
  SmsNumberResponse,
} from '@cloudphone/contracts';
import {
  actingSubject,
  AppError,
  assertMayActFor,
  DeviceAllocationsClient,
  type ListQuery,
  listOwnerFor,
  MetricsService,
  type Page,
  type Principal,
} from '@cloudphone/shared';
import type { Counter } from 'prom-client';
import { SmsReceiveServiceConfig } from '../../../config/sms-receive-service.config';
import { MessagesRepository } from '../messages/messages.repository';
import { smsMessageResponse } from '../messages/sms-message-response.mapper';
import { NumberEnding } from './number-ending.service';
import { NumberRenting } from './number-renting.service';
import { NumberErrors } from './numbers.errors';
import { NumbersRepository } from './numbers.repository';
import type { NumberHolder, SmsNumberRecord } from './sms-number-record';
import { smsNumberResponse } from './sms-number-response.mapper';

/** How often a long poll for a code looks again: the code lands in the table from any replica. */
const CODE_POLL_MS = 250;

/** Renting numbers, and what their users do with them. */
@Injectable()
export class NumbersService {
  private readonly logger = new Logger(NumbersService.name);
  private readonly rents: Counter<'outcome' | 'source'>;

  constructor(
    private readonly numbers: NumbersRepository,
    private readonly messages: MessagesRepository,
    private readonly renting: NumberRenting,
    private readonly ending: NumberEnding,
    private readonly allocations: DeviceAllocationsClient,
    private readonly config: SmsReceiveServiceConfig,
    metrics: MetricsService,
  ) {
    this.rents = metrics.counter({
      name: 'cloudphone_sms_rents_total',
      help: 'Number requests by outcome (rented, none_available, failed) and source (pool, provider)',
      labelNames: ['outcome', 'source'],
    });
  }

  /** A number for the service and country: from the warm pool when it has one, else from a provider. */
  async rent(request: RentNumberRequest, principal: Principal): Promise<SmsNumberResponse> {
    const subject = actingSubject(principal, request, NumberErrors);
    if (request.allocationId !== undefined) await this.checkAllocation(request.allocationId, subject.userId);
    const holder: NumberHolder = {
      ...subject,
      allocationId: request.allocationId ?? null,
      priceMinor: BigInt(this.config.servicePrices.get(request.service) ?? this.config.defaultPriceMinor),
      currency: this.config.currency,
    };
    const pooled = await this.numbers.claimPooled(
      request.service,
      request.countryCode,
      this.config.poolMinRemainingSeconds,
      holder,
    );
    let number: SmsNumberRecord;
    try {
      number = pooled ?? (await this.renting.rent(request.service, request.countryCode, holder));
    } catch (error) {
      const none = error instanceof AppError && error.code === 'NO_NUMBER_AVAILABLE';
      this.rents.inc({ outcome: none ? 'none_available' : 'failed', source: 'provider' });
      throw error;
    }
    this.rents.inc({ outcome: 'rented', source: pooled ? 'pool' : 'provider' });
    this.logger.log({
      msg: 'sms number rented',
      numberId: number.id,
      provider: number.provider,
      userId: subject.userId,
      pooled: pooled !== null,
    });
    return smsNumberResponse(number);
  }

  async rentBatch(requests: RentNumberRequest[], principal: Principal): Promise<RentNumbersBatchResponse> {
    const items = [];
    for (const [index, request] of requests.entries()) {
      try {
        items.push({ index, ok: true, number: await this.rent(request, principal) });
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        items.push({ index, ok: false, code: error.code, message: error.message });
      }
    }
    return { items };
  }

  async get(id: string, principal: Principal): Promise<SmsNumberResponse> {
    return smsNumberResponse(await this.owned(id, principal));
  }

  async list(query: ListQuery, principal: Principal): Promise<Page<SmsNumberResponse>> {
    const asked = query.filters.find((filter) => filter.name === 'userId')?.value;
    const owner = listOwnerFor(
      principal,
      asked === undefined ? undefined : String(asked),
      NumberErrors.actingForOthers,
    );
    const page = await this.numbers.list(query, owner);
    return { ...page, items: page.items.map(smsNumberResponse) };
  }

  /** Gives an unused number back (never charged); a second cancel answers the cancelled number. */
  async cancel(id: string, principal: Principal): Promise<SmsNumberResponse> {
    const number = await this.owned(id, principal);
    const cancelled = await this.ending.cancel(id);
    if (cancelled) return smsNumberResponse(cancelled);
    const now = (await this.numbers.findById(id)) ?? number;
    if (now.status === 'received') throw NumberErrors.hasCode(id);
    if (now.status === 'cancelled') return smsNumberResponse(now);
    throw NumberErrors.ended(id, now.status);
  }

  /** Done with a number that got its code; a second finish answers the finished number. */
  async finish(id: string, principal: Principal): Promise<SmsNumberResponse> {
    const number = await this.owned(id, principal);
    const finished = await this.ending.finish(id);
    if (finished) return smsNumberResponse(finished);
    const now = (await this.numbers.findById(id)) ?? number;
    if (now.status === 'waiting') throw NumberErrors.noCode(id);
    if (now.status === 'finished') return smsNumberResponse(now);
    throw NumberErrors.ended(id, now.status);
  }

  async messagesOf(id: string, principal: Principal): Promise<SmsMessagesResponse> {
    await this.owned(id, principal);
    return { items: (await this.messages.ofNumber(id)).map(smsMessageResponse) };
  }

  /** The code; with `waitSeconds`, waits for it (or the number's end) that long first. */
  async code(id: string, waitSeconds: number, principal: Principal): Promise<SmsCodeResponse> {
    let number = await this.owned(id, principal);
    const deadline = Date.now() + waitSeconds * 1000;
    while (number.code === null && number.status === 'waiting' && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, Math.min(CODE_POLL_MS, deadline - Date.now())));
      number = (await this.numbers.findById(id)) ?? number;
    }
    return {
      numberId: number.id,
      status: number.status,
      code: number.code,
      codeReceivedAt: number.codeReceivedAt?.toISOString() ?? null,
    };
  }

  /** The number, when the caller may act for its user; someone else's is as unknown as a missing one. */
  private async owned(id: string, principal: Principal): Promise<SmsNumberRecord> {
    const number = await this.numbers.findById(id);
    if (!number || number.userId === null) throw NumberErrors.notFound(id);
    assertMayActFor(principal, number.userId, () => NumberErrors.notFound(id));
    return number;
  }

  /** A number may be bound only to its user's active allocation (device-service's word, now). */
  private async checkAllocation(allocationId: string, userId: string): Promise<void> {
    const status = await this.allocations.statusFor(allocationId, userId);
    if (status === null) throw NumberErrors.allocationNotFound(allocationId);
    if (status !== 'active') throw NumberErrors.allocationNotActive(allocationId, status);
  }
}
