import { OPERATIONS_ROUTES, operationsPath, SERVICE_CATALOG } from '@cloudphone/contracts';
import { type Command, type CommandContext, limitOption } from './command-context';
import { OpsCliUsageError, type ServiceEndpoint } from './ops-cli.settings';
import { emit, printTable } from './table-output';

interface OutboxRow {
  id: string;
  messageId: string;
  destination: string;
  type: string;
  key: string;
  attempts: number;
  lastError: string | null;
  nextAttemptAt: string;
  rejectedAt: string | null;
}

/** Usage reports are device-service's outbox rows for these HTTP destinations. */
const USAGE_REPORT_DESTINATIONS = [SERVICE_CATALOG.user.name, SERVICE_CATALOG.billing.name];
const STATES = ['pending', 'failing', 'rejected'] as const;

function statesOf(context: CommandContext, fallback: readonly string[]): string[] {
  const state = context.options.state;
  if (state === undefined) return [...fallback];
  if (!(STATES as readonly string[]).includes(state))
    throw new OpsCliUsageError(`--state must be one of ${STATES.join(', ')}`);
  return [state];
}

async function rows(
  context: CommandContext,
  service: ServiceEndpoint,
  states: string[],
  destination?: string,
): Promise<Array<OutboxRow & { service: string; state: string }>> {
  const limit = limitOption(context, 50, 500);
  const pages = await Promise.all(
    states.map(async (state) => {
      const query = new URLSearchParams({
        state,
        limit: String(limit),
        ...(destination ? { destination } : {}),
      });
      const page = await context.client.call<{ items: OutboxRow[] }>(
        service,
        'GET',
        `${OPERATIONS_ROUTES.outboxMessages}?${query}`,
      );
      return page.items.map((row) => ({ ...row, service: service.name, state }));
    }),
  );
  return pages.flat();
}

const ROW_COLUMNS: Array<keyof OutboxRow | 'service' | 'state'> = [
  'service',
  'state',
  'destination',
  'id',
  'type',
  'key',
  'attempts',
  'nextAttemptAt',
  'lastError',
];

/** `outbox stuck`: per service, the rows that keep failing or were refused for good, with why. */
export const outboxStuck: Command = async (context) => {
  const states = statesOf(context, ['failing', 'rejected']);
  const found = (
    await Promise.all(
      context.client.services(context.options.service).map((service) => rows(context, service, states)),
    )
  ).flat();
  emit(context.output, found, () => printTable(context.output, found, ROW_COLUMNS));
  return 0;
};

async function usageReports(context: CommandContext, states: string[]) {
  const device = context.client.services(SERVICE_CATALOG.device.name)[0];
  return (
    await Promise.all(
      USAGE_REPORT_DESTINATIONS.map((destination) => rows(context, device, states, destination)),
    )
  ).flat();
}

/** `usage-reports ls`: device-service's quota and billing reports not yet delivered (all states). */
export const usageReportsList: Command = async (context) => {
  const found = await usageReports(context, statesOf(context, STATES));
  emit(context.output, found, () => printTable(context.output, found, ROW_COLUMNS));
  return 0;
};

/**
 * `usage-reports replay [--ids a,b] [--state rejected]`: makes the chosen reports due now (by
 * default every rejected one, which is never retried by itself). Each report is idempotent at its
 * target, so a replay cannot count an allocation twice.
 */
export const usageReportsReplay: Command = async (context) => {
  const device = context.client.services(SERVICE_CATALOG.device.name)[0];
  const ids = context.options.ids
    ? context.options.ids.split(',').map((id) => id.trim())
    : (await usageReports(context, statesOf(context, ['rejected']))).map((row) => row.id);
  const results = [];
  for (const id of ids) {
    if (!/^[1-9]\d{0,18}$/.test(id)) throw new OpsCliUsageError(`--ids: "${id}" is not an outbox row id`);
    results.push(
      await context.client.call<Record<string, unknown>>(
        device,
        'POST',
        operationsPath(OPERATIONS_ROUTES.outboxRetry, { id }),
      ),
    );
  }
  emit(context.output, results, () => context.output.write(`${results.length} usage report(s) made due now`));
  return 0;
};
