import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import type {
  ServiceChargeBatchItemResult,
  ServiceChargeBatchRequest,
  ServiceChargeBatchResponse,
  ServiceChargeRequest,
  ServiceChargeResponse,
} from '@cloudphone/contracts';
import { afterCommit, AppError, MetricsService, TransactionRunner } from '@cloudphone/shared';
import type { Counter } from 'prom-client';
import { AccountBalanceService } from '../accounts';
import { ChargeErrors } from './charges.errors';
import { ChargesRepository } from './charges.repository';
import { chargeResponse, describesSameCharge, type ServiceChargeRecord } from './service-charge-record';

const BIGINT_MIN = -(2n ** 63n);

/** What became of a charge request, as `cloudphone_billing_service_charges_total` counts it. */
type ChargeOutcome = 'recorded' | 'duplicate' | 'conflict' | 'currency_mismatch' | 'failed';

/**
 * Charges users' accounts for other services (proxy rentals, SMS codes) exactly once per
 * `reference` (unique in `service_charges`), writing the charge, its ledger entry and the new
 * balance in one transaction. Senders deliver from an outbox, at least once, so resends are the
 * normal case and are answered with the first result. A charge may take the balance negative: the
 * service was already consumed.
 */
@Injectable()
export class ChargesService {
  private readonly logger = new Logger(ChargesService.name);
  private readonly outcomes: Counter<'source' | 'outcome'>;
  private readonly charged: Counter<'source' | 'currency'>;

  constructor(
    private readonly transactions: TransactionRunner,
    private readonly charges: ChargesRepository,
    private readonly balances: AccountBalanceService,
    metrics: MetricsService,
  ) {
    this.outcomes = metrics.counter({
      name: 'cloudphone_billing_service_charges_total',
      help: 'Service charge requests by source and outcome (recorded, duplicate, conflict, currency_mismatch, failed)',
      labelNames: ['source', 'outcome'],
    });
    this.charged = metrics.counter({
      name: 'cloudphone_billing_service_charged_minor_total',
      help: 'Minor units charged for other services, by source and currency',
      labelNames: ['source', 'currency'],
    });
  }

  /** Charges once; a resend answers the first result with `duplicate: true`. */
  charge(request: ServiceChargeRequest): Promise<ServiceChargeResponse> {
    const normalized = normalize(request);
    return this.counted(normalized, () => this.chargeUncounted(normalized));
  }

  /**
   * Charges a batch (an outbox's burst), answered per item in request order. Resends are answered
   * from one look-up; the new items are charged in one transaction, each exactly as `charge` would,
   * in (user, reference) order so that two batches lock the same accounts in the same order. If any
   * of them fails, that transaction is rolled back whole and the new items are charged one by one,
   * each in its own transaction, so one bad item never blocks or half-charges the others.
   */
  async chargeBatch(request: ServiceChargeBatchRequest): Promise<ServiceChargeBatchResponse> {
    const items = request.items.map(normalize);
    const results = new Array<ServiceChargeBatchItemResult>(items.length);
    const known = await this.charges.findByReferences([...new Set(items.map((item) => item.reference))]);
    const earlier = new Map(known.map((record) => [record.reference, record]));
    const fresh: Array<{ item: ServiceChargeRequest; index: number }> = [];
    for (const [index, item] of items.entries()) {
      const record = earlier.get(item.reference);
      if (record) results[index] = await this.itemResult(item, () => this.replay(record, item));
      else fresh.push({ item, index });
    }
    if (fresh.length === 0) return { results };
    fresh.sort(
      (a, b) => compare(a.item.userId, b.item.userId) || compare(a.item.reference, b.item.reference),
    );
    try {
      const charged = await this.transactions.run(async () => {
        const answers: ServiceChargeResponse[] = [];
        for (const { item } of fresh) answers.push(await this.chargeOnce(item));
        return answers;
      });
      fresh.forEach(({ item, index }, position) => {
        this.outcomes.inc({ source: item.source, outcome: outcomeOf(charged[position]) });
        results[index] = { reference: item.reference, ok: true, charge: charged[position] };
      });
    } catch (error) {
      if (!(error instanceof AppError)) {
        this.logger.warn({
          msg: 'Charge batch failed as one transaction; charging item by item',
          err: error,
        });
      }
      for (const { item, index } of fresh)
        results[index] = await this.itemResult(item, () => this.chargeUncounted(item));
    }
    return { results };
  }

  /** Runs `work` and counts its outcome, failures included (and rethrown). */
  private async counted(
    request: ServiceChargeRequest,
    work: () => ServiceChargeResponse | Promise<ServiceChargeResponse>,
  ): Promise<ServiceChargeResponse> {
    try {
      const answer = await work();
      this.outcomes.inc({ source: request.source, outcome: outcomeOf(answer) });
      return answer;
    } catch (error) {
      this.outcomes.inc({ source: request.source, outcome: failureOutcomeOf(error) });
      throw error;
    }
  }

  /** One batch item's answer: its charge, or not ok with the error's code (never throws). */
  private async itemResult(
    item: ServiceChargeRequest,
    work: () => ServiceChargeResponse | Promise<ServiceChargeResponse>,
  ): Promise<ServiceChargeBatchItemResult> {
    try {
      return { reference: item.reference, ok: true, charge: await this.counted(item, work) };
    } catch (error) {
      if (error instanceof AppError)
        return { reference: item.reference, ok: false, code: error.code, message: error.message };
      this.logger.error({ msg: 'Charge batch item failed', reference: item.reference, err: error });
      return {
        reference: item.reference,
        ok: false,
        code: 'INTERNAL_ERROR',
        message: 'Internal error; send the item again later',
      };
    }
  }

  private async chargeUncounted(request: ServiceChargeRequest): Promise<ServiceChargeResponse> {
    // Resends are the common case (outbox retries): answer them without taking the account lock.
    const known = await this.charges.findByReference(request.reference);
    if (known) return this.replay(known, request);
    return this.transactions.run(() => this.chargeOnce(request));
  }

  /** Charges `request` in the caller's transaction, or answers it as a resend of a charge committed meanwhile. */
  private async chargeOnce(request: ServiceChargeRequest): Promise<ServiceChargeResponse> {
    // Opens the account in the charge's currency when the user has none; otherwise they must agree,
    // since a balance holds one currency and billing converts none.
    const account = await this.balances.lockAccount({
      userId: request.userId,
      tenantId: request.tenantId,
      currency: request.currency,
    });
    if (account.currency !== request.currency) {
      throw ChargeErrors.currencyMismatch(request.reference, account.currency, request.currency);
    }
    const amount = BigInt(request.amountMinor);
    const balanceAfter = account.balanceMinor - amount;
    // Checked before the insert, so a balance at the very bottom of bigint is a 422, not a 500.
    if (balanceAfter < BIGINT_MIN) throw ChargeErrors.balanceOutOfRange();
    const charge: Omit<ServiceChargeRecord, 'recordedAt'> = {
      id: randomUUID(),
      reference: request.reference,
      accountId: account.id,
      userId: request.userId,
      tenantId: request.tenantId,
      source: request.source,
      description: request.description,
      amountMinor: amount,
      currency: account.currency,
      balanceAfterMinor: balanceAfter,
      occurredAt: new Date(request.occurredAt),
    };
    const recordedAt = await this.charges.insertUnlessRecorded(charge);
    if (recordedAt === null) {
      // Recorded meanwhile by a concurrent request, now committed: answer as its resend.
      const earlier = await this.charges.findByReference(request.reference);
      if (!earlier) throw new Error(`Charge ${request.reference} neither inserted nor found`);
      return this.replay(earlier, request);
    }
    const applied = await this.balances.apply(account, {
      kind: 'service_charge',
      amountMinor: -amount,
      serviceChargeId: charge.id,
    });
    if (!applied) throw new Error(`Ledger refused service charge ${charge.id}`);

    // Counted and logged once committed: a batch rolled back and redone item by item counts once.
    await afterCommit(() => {
      this.charged.inc({ source: charge.source, currency: charge.currency }, Number(amount));
      this.logger.log({
        msg: 'Service charge recorded',
        chargeId: charge.id,
        reference: charge.reference,
        source: charge.source,
        userId: charge.userId,
        amountMinor: amount.toString(),
        currency: charge.currency,
        balanceMinor: applied.balanceMinor.toString(),
      });
    });
    return chargeResponse({ ...charge, recordedAt }, false);
  }

  private replay(earlier: ServiceChargeRecord, request: ServiceChargeRequest): ServiceChargeResponse {
    if (!describesSameCharge(earlier, request)) {
      this.logger.warn({
        msg: 'Conflicting service charge',
        reference: request.reference,
        source: request.source,
      });
      throw ChargeErrors.conflict(request.reference);
    }
    return chargeResponse(earlier, true);
  }
}

/**
 * The request with its user id in lower case, as Postgres prints a uuid, so that a resend spelling
 * it in upper case is compared (and sorted) as the same user.
 */
function normalize(request: ServiceChargeRequest): ServiceChargeRequest {
  return { ...request, userId: request.userId.toLowerCase() };
}

function outcomeOf(answer: ServiceChargeResponse): ChargeOutcome {
  return answer.duplicate ? 'duplicate' : 'recorded';
}

function failureOutcomeOf(error: unknown): ChargeOutcome {
  if (!(error instanceof AppError)) return 'failed';
  if (error.code === 'CHARGE_CONFLICT') return 'conflict';
  if (error.code === 'CURRENCY_MISMATCH') return 'currency_mismatch';
  return 'failed';
}

/** Code-unit order, the same on every replica whatever its locale. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
