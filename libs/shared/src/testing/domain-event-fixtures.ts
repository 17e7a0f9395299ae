import { randomUUID } from 'node:crypto';
import type { EventEnvelope, EventType } from '@cloudphone/contracts';

// Domain events as the services' relays publish them, for tests of their consumers.

export function eventEnvelope(type: EventType, data: unknown, source = 'device-service'): EventEnvelope {
  return { id: randomUUID(), type, version: 1, occurredAt: new Date().toISOString(), source, data };
}

export function deviceAllocatedData(userId: string) {
  return {
    allocationId: randomUUID(),
    deviceId: randomUUID(),
    userId,
    tenantId: 'default',
    region: 'eu-west',
    cpuCores: 2,
    memoryMb: 4096,
    storageGb: 32,
    startedAt: '2026-03-01T12:00:00.000Z',
    expiresAt: '2026-03-01T12:30:00.000Z',
    fencingToken: '1',
  };
}

export function balanceLowData(userId: string) {
  return { userId, tenantId: 'default', balanceMinor: '420', thresholdMinor: '500', currency: 'USD' };
}

export function paymentSucceededData(userId: string) {
  return {
    userId,
    tenantId: 'default',
    paymentId: randomUUID(),
    provider: 'simulated',
    amountMinor: '5000',
    chargedMinor: '5000',
    currency: 'USD',
    balanceMinor: '12500',
    settledAt: '2026-03-01T12:00:00.000Z',
  };
}

export function invoiceIssuedData(userId: string) {
  return {
    userId,
    tenantId: 'default',
    invoiceId: randomUUID(),
    number: 'INV-202602-000001',
    period: '2026-02',
    openingBalanceMinor: '0',
    chargesMinor: '300',
    creditsMinor: '0',
    closingBalanceMinor: '-300',
    amountDueMinor: '300',
    currency: 'USD',
    status: 'issued',
    dueAt: '2026-03-15T00:00:00.000Z',
    issuedAt: '2026-03-01T00:00:00.000Z',
  };
}
