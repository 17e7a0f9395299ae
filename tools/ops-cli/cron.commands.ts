import { OPERATIONS_ROUTES, operationsPath } from '@cloudphone/contracts';
import type { Command, CommandContext } from './command-context';
import { OpsCliUsageError, type ServiceEndpoint } from './ops-cli.settings';
import { emit, printTable } from './table-output';

interface CronJob {
  name: string;
  expression: string;
  nextFireAt: string | null;
  paused: boolean;
  disabled?: boolean;
  lastRuns: Array<{ outcome?: string; startedAt?: string; instanceId?: string }>;
}

interface CronListing {
  service: string;
  instanceId: string;
  jobs: CronJob[];
}

async function listings(context: CommandContext): Promise<CronListing[]> {
  return Promise.all(
    context.client.services(context.options.service).map(async (service) => {
      const answer = await context.client.call<{ instanceId: string; jobs: CronJob[] }>(
        service,
        'GET',
        OPERATIONS_ROUTES.cron,
      );
      return { service: service.name, ...answer };
    }),
  );
}

/** `cron ls`: every job of every service, its schedule, pause state and last run. */
export const cronList: Command = async (context) => {
  const all = await listings(context);
  const rows = all.flatMap(({ service, jobs }) =>
    jobs.map((job) => {
      const last = job.lastRuns[0];
      return {
        service,
        job: job.name,
        schedule: job.expression,
        paused: job.paused ? 'yes' : 'no',
        next: job.nextFireAt,
        lastOutcome: last?.outcome,
        lastStarted: last?.startedAt,
        lastInstance: last?.instanceId,
      };
    }),
  );
  emit(context.output, all, () =>
    printTable(context.output, rows, [
      'service',
      'job',
      'schedule',
      'paused',
      'next',
      'lastOutcome',
      'lastStarted',
      'lastInstance',
    ]),
  );
  return 0;
};

/** `cron pause|resume|trigger <job>`: on every service that has the job (or only `--service`). */
export function cronAction(action: 'pause' | 'resume' | 'trigger'): Command {
  const route = {
    pause: OPERATIONS_ROUTES.cronPause,
    resume: OPERATIONS_ROUTES.cronResume,
    trigger: OPERATIONS_ROUTES.cronTrigger,
  }[action];
  return async (context) => {
    const [job] = context.operands;
    if (!job) throw new OpsCliUsageError(`cron ${action} needs a job name (see \`cloudphone cron ls\`)`);
    const owners: ServiceEndpoint[] = [];
    for (const listing of await listings(context)) {
      if (listing.jobs.some((candidate) => candidate.name === job)) {
        owners.push(context.client.services(listing.service)[0]);
      }
    }
    if (owners.length === 0) {
      context.output.write(
        `no service${context.options.service ? ` named ${context.options.service}` : ''} has a cron job "${job}"`,
      );
      return 1;
    }
    const results = await Promise.all(
      owners.map(async (service) => ({
        service: service.name,
        ...(await context.client.call<{ job: string; tick?: string; instanceId?: string; paused?: boolean }>(
          service,
          'POST',
          operationsPath(route, { job }),
        )),
      })),
    );
    emit(context.output, results, () =>
      action === 'trigger'
        ? printTable(context.output, results, ['service', 'job', 'tick', 'instanceId'])
        : printTable(context.output, results, ['service', 'job', 'paused']),
    );
    return 0;
  };
}
