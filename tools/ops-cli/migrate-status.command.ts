import { OpsCliUsageError } from './ops-cli.settings';
import { migrationStatus } from '@cloudphone/shared';
import type { Command } from './command-context';
import { emit, printTable } from './table-output';

/** `migrate status`: per service database, applied and pending migrations and who holds the lock. */
export const migrateStatus: Command = async (context) => {
  const only = context.options.service;
  const targets = context.settings.databases.filter(
    (target) => only === undefined || target.service === only,
  );
  if (targets.length === 0) throw new OpsCliUsageError(`--service: no service database named ${only}`);
  const statuses = await Promise.all(
    targets.map(async (target) => ({
      service: target.service,
      ...(await migrationStatus({
        databaseUrl: target.databaseUrl,
        directory: target.migrationsDirectory,
        sharedDirectory: target.sharedMigrationsDirectory,
      })),
    })),
  );
  emit(context.output, statuses, () =>
    printTable(
      context.output,
      statuses.map((status) => ({
        ...status,
        exists: status.exists ? 'yes' : 'no',
        pending: status.pending.length === 0 ? 'none' : status.pending.join(', '),
        changed: status.changed.length === 0 ? 'none' : status.changed.join(', '),
        lockHolder: status.lockHolder
          ? `pid ${status.lockHolder.pid} ${status.lockHolder.applicationName}`
          : 'free',
      })),
      ['service', 'database', 'exists', 'applied', 'pending', 'changed', 'lockHolder'],
    ),
  );
  // Something to do (or a refusal ahead) is worth a non-zero exit for a deploy script's check.
  return statuses.some((status) => status.pending.length > 0 || status.changed.length > 0) ? 1 : 0;
};
