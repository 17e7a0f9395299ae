import { OpsCliUsageError } from './ops-cli.settings';
import { OPERATIONS_ROUTES } from '@cloudphone/contracts';
import { type Command, limitOption } from './command-context';
import { emit, printTable } from './table-output';

interface DeadLetterPage {
  queue: string | null;
  total: number;
  letters: Array<{
    messageId: string;
    type: string;
    reason: string;
    attempts: number;
    lastError: string;
    failedAt: string | null;
  }>;
}

/** `dlq ls`: each service's dead-letter queue, its size and first letters (listing pages through it). */
export const deadLettersList: Command = async (context) => {
  const limit = limitOption(context, 20, 500);
  const pages = await Promise.all(
    context.client.services(context.options.service).map(async (service) => ({
      service: service.name,
      ...(await context.client.call<DeadLetterPage>(
        service,
        'GET',
        `${OPERATIONS_ROUTES.deadLetters}?limit=${limit}`,
      )),
    })),
  );
  emit(context.output, pages, () => {
    printTable(context.output, pages, ['service', 'queue', 'total']);
    const letters = pages.flatMap(({ service, letters }) =>
      letters.map((letter) => ({ service, ...letter })),
    );
    if (letters.length === 0) return;
    context.output.write('');
    printTable(context.output, letters, [
      'service',
      'messageId',
      'type',
      'reason',
      'attempts',
      'failedAt',
      'lastError',
    ]);
  });
  return 0;
};

/**
 * `dlq replay --service <name> [--ids a,b] [--limit n]`: sends dead letters back to that service's
 * own queue as first attempts; the service's inbox drops any it had handled after all. One service
 * at a time, so a replay is a decision about one consumer's failures.
 */
export const deadLettersReplay: Command = async (context) => {
  if (!context.options.service) throw new OpsCliUsageError('dlq replay needs --service <name>');
  const [service] = context.client.services(context.options.service);
  const messageIds = context.options.ids?.split(',').map((id) => id.trim());
  const body = {
    limit: limitOption(context, messageIds?.length ?? 100, 1000),
    ...(messageIds ? { messageIds } : {}),
  };
  const result = await context.client.call<{ queue: string | null; replayed: string[]; remaining: number }>(
    service,
    'POST',
    OPERATIONS_ROUTES.deadLettersReplay,
    body,
  );
  emit(context.output, { service: service.name, ...result }, () =>
    context.output.write(
      `${service.name}: ${result.replayed.length} replayed from ${result.queue ?? '(no queue)'}, ${result.remaining} left`,
    ),
  );
  return 0;
};
