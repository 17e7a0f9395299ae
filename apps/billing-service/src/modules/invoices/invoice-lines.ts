import type { InvoiceLineKind } from '@cloudphone/contracts';
import { INVOICE_LINE_KINDS } from '@cloudphone/contracts';
import type { InvoiceLineRecord, LedgerDayGroup } from './invoice-record';

/** Ledger kinds with a line kind of their own; any other (opening_balance, future kinds) is an adjustment. */
const LINE_KIND_OF_LEDGER_KIND: Readonly<Record<string, InvoiceLineKind>> = {
  usage_charge: 'usage',
  service_charge: 'service_charge',
  top_up: 'top_up',
  payment: 'payment',
};

const SOURCE_NAMES: Readonly<Record<string, [string, string]>> = {
  proxy: ['Proxy rental', 'Proxy rentals'],
  sms: ['SMS code', 'SMS codes'],
};

export function lineKindOf(ledgerKind: string): InvoiceLineKind {
  return Object.hasOwn(LINE_KIND_OF_LEDGER_KIND, ledgerKind)
    ? LINE_KIND_OF_LEDGER_KIND[ledgerKind]
    : 'adjustment';
}

function counted(quantity: number, one: string, many: string): string {
  return quantity === 1 ? one : `${many} (${quantity})`;
}

/** What the invoice reader sees for a group; ≤ 200 characters, no user-supplied text. */
export function lineDescription(group: LedgerDayGroup): string {
  switch (lineKindOf(group.ledgerKind)) {
    case 'usage': {
      const allocations = group.quantity === 1 ? '1 allocation' : `${group.quantity} allocations`;
      return `Device usage (${allocations}, ${group.seconds ?? 0n} s)`;
    }
    case 'service_charge': {
      const [one, many] = (group.source !== null && SOURCE_NAMES[group.source]) || [
        'Service charge',
        'Service charges',
      ];
      return counted(group.quantity, one, many);
    }
    case 'top_up':
      return counted(group.quantity, 'Top-up', 'Top-ups');
    case 'payment':
      return counted(group.quantity, 'Payment', 'Payments');
    case 'adjustment':
      if (group.ledgerKind === 'opening_balance') return 'Balance carried over from before the ledger';
      return counted(
        group.quantity,
        group.amountMinor > 0n ? 'Credit' : 'Debit',
        group.amountMinor > 0n ? 'Credits' : 'Debits',
      );
  }
}

/**
 * The invoice's lines, numbered from 1: by day, then in INVOICE_LINE_KINDS order (charges before
 * credits), then by source and sign, so the same ledger always gives the same invoice.
 */
export function buildInvoiceLines(groups: readonly LedgerDayGroup[]): InvoiceLineRecord[] {
  const keyed = groups.map((group) => ({
    group,
    kind: lineKindOf(group.ledgerKind),
    order: [
      group.day,
      String(INVOICE_LINE_KINDS.indexOf(lineKindOf(group.ledgerKind))),
      group.ledgerKind,
      group.source ?? '',
      group.amountMinor > 0n ? '1' : '0',
    ].join('\u0000'),
  }));
  keyed.sort((a, b) => (a.order < b.order ? -1 : a.order > b.order ? 1 : 0));
  return keyed.map(({ group, kind }, index) => ({
    lineNo: index + 1,
    kind,
    day: group.day,
    description: lineDescription(group),
    quantity: group.quantity,
    seconds: kind === 'usage' ? (group.seconds ?? 0n) : null,
    amountMinor: group.amountMinor,
    reference: group.quantity === 1 ? group.reference : null,
  }));
}
