import { Injectable, Logger } from '@nestjs/common';
import {
  afterCommit,
  mapInParallel,
  MetricsService,
  OutboxDeliveries,
  serviceChargeMessage,
  TransactionRunner,
} from '@cloudphone/shared';
import type { Counter, Histogram } from 'prom-client';
import { SmsReceiveServiceConfig } from '../../../config/sms-receive-service.config';
import type { VendorMessage } from '../../../integrations/sms-vendor';
import { extractCode } from '../messages/code-extractor';
import { SmsProviderVendors } from '../providers/provider-vendors.service';
import type { SmsProviderRecord } from '../providers/sms-provider-record';
import { SmsProvidersRepository } from '../providers/sms-providers.repository';
import { NumberEnding } from './number-ending.service';
import { NumberEventsPublisher } from './number-events.publisher';
import { type IncomingMessage, PollingRepository } from './polling.repository';
import type { SmsNumberRecord } from './sms-number-record';

const CODE = /^[A-Za-z0-9-]{1,32}$/;

/**
 * Fetches new messages of waiting numbers from their providers and stores them. The first code a
 * number gets makes it `received` and is charged, both in one transaction with the message: the
 * conditional update lets exactly one pass (of any replica) charge it, and the charge travels
 * through the outbox, so it reaches billing once however often it is sent.
 */
@Injectable()
export class MessagePolling {
  private readonly logger = new Logger(MessagePolling.name);
  private readonly polls: Counter<'provider' | 'outcome'>;
  // `sms_service`: the SMS's service (telegram…); a `service` label would hide the process's own.
  private readonly codes: Counter<'sms_service' | 'provider'>;
  private readonly timeToCode: Histogram<'sms_service'>;

  constructor(
    private readonly polling: PollingRepository,
    private readonly providers: SmsProvidersRepository,
    private readonly vendors: SmsProviderVendors,
    private readonly ending: NumberEnding,
    private readonly events: NumberEventsPublisher,
    private readonly deliveries: OutboxDeliveries,
    private readonly transactions: TransactionRunner,
    private readonly config: SmsReceiveServiceConfig,
    metrics: MetricsService,
  ) {
    this.polls = metrics.counter({
      name: 'cloudphone_sms_polls_total',
      help: 'Numbers checked at their provider by sms-message-polling, by provider and outcome (ok, failed)',
      labelNames: ['provider', 'outcome'],
    });
    this.codes = metrics.counter({
      name: 'cloudphone_sms_codes_received_total',
      help: 'Codes that reached users’ numbers (each charged once), by service and provider',
      labelNames: ['sms_service', 'provider'],
    });
    this.timeToCode = metrics.histogram({
      name: 'cloudphone_sms_time_to_code_seconds',
      help: 'From renting a number to its code',
      labelNames: ['sms_service'],
      buckets: [5, 10, 20, 30, 60, 120, 300, 600, 1200],
    });
  }

  /** One pass over up to SMS_POLL_BATCH_SIZE waiting numbers; answers how many were polled and got codes. */
  async pollDue(signal: AbortSignal): Promise<{ polled: number; codes: number }> {
    const due = await this.polling.claimDue(this.config.pollBatchSize);
    const providers = await this.providers.byName();
    const outcomes = await mapInParallel(due, this.config.pollConcurrency, (number) =>
      signal.aborted ? Promise.resolve(false) : this.pollOne(number, providers.get(number.provider)),
    );
    return { polled: due.length, codes: outcomes.filter(Boolean).length };
  }

  private async pollOne(number: SmsNumberRecord, provider: SmsProviderRecord | undefined): Promise<boolean> {
    if (!provider) return false;
    let checked;
    try {
      checked = await this.vendors.of(provider).check(number.activationId);
    } catch (error) {
      this.polls.inc({ provider: number.provider, outcome: 'failed' });
      this.logger.warn({
        msg: 'sms poll failed',
        numberId: number.id,
        provider: number.provider,
        err: (error as Error).message,
      });
      return false;
    }
    this.polls.inc({ provider: number.provider, outcome: 'ok' });
    const incoming = checked.messages.map((message) => this.incoming(number.service, message));
    const charged = await this.store(number, incoming);
    if (!charged && incoming.length === 0 && ['cancelled', 'expired', 'banned'].includes(checked.state)) {
      // The provider ended it before any message: nothing to wait for, nothing to charge.
      await this.ending.endedAtProvider(number.id);
    }
    return charged;
  }

  private async store(number: SmsNumberRecord, incoming: IncomingMessage[]): Promise<boolean> {
    const received = await this.transactions.run(async () => {
      const stored = await this.polling.storeMessages(number.id, incoming);
      const first = stored.find((message) => message.code !== null);
      if (!first) return null;
      const updated = await this.polling.markCodeReceived(number.id, first.code!, first.receivedAt);
      if (!updated) return null;
      await this.events.codeReceived(updated, first.body);
      if (updated.priceMinor > 0n) {
        const messages = await this.deliveries.store([
          serviceChargeMessage({
            reference: `sms-number:${updated.id}`,
            userId: updated.userId!,
            tenantId: updated.tenantId!,
            source: 'sms',
            description: `SMS code for ${updated.service} (${updated.countryCode}, ${updated.phoneNumber})`,
            amountMinor: updated.priceMinor.toString(),
            currency: updated.currency,
            // Our clock, not the provider's message date: billing refuses dates it cannot store.
            occurredAt: updated.chargedAt!.toISOString(),
          }),
        ]);
        await afterCommit(() => this.deliveries.deliverInBackground(messages));
      }
      return updated;
    });
    if (!received) return false;
    this.codes.inc({ sms_service: received.service, provider: received.provider });
    const since = received.assignedAt ?? received.createdAt;
    this.timeToCode.observe(
      { sms_service: received.service },
      Math.max(0, (received.codeReceivedAt!.getTime() - since.getTime()) / 1000),
    );
    this.logger.log({ msg: 'sms code received', numberId: received.id, service: received.service });
    return true;
  }

  /** A provider's message as stored: our extractor's code, else the provider's own if it looks like one. */
  private incoming(service: string, message: VendorMessage): IncomingMessage {
    // Postgres text cannot hold NUL: a provider's stray one must not stop the number's polling.
    const body = message.text.replaceAll('\u0000', '').slice(0, 2000);
    const vendorCode =
      message.vendorCode !== null && CODE.test(message.vendorCode) ? message.vendorCode : null;
    return {
      messageId: message.messageId.slice(0, 200),
      sender: message.sender?.slice(0, 100) ?? null,
      body,
      code: extractCode(service, body, this.config.codePatterns) ?? vendorCode,
      receivedAt: message.receivedAt,
    };
  }
}
