import { AppError } from '../errors/app-error';
import { CommonErrors } from '../errors/common.errors';

/** Errors of the cluster-safe cron; their codes are stable. */
export const CronErrors = {
  jobNotFound: (job: string, known: string[]) =>
    new AppError('CRON_JOB_NOT_FOUND', 404, `No cron job named ${job}`, { job, known }),
  jobPaused: (job: string) =>
    CommonErrors.conflict('CRON_JOB_PAUSED', `${job} is paused cluster-wide; resume it first`, { job }),
  jobRunning: (job: string) =>
    CommonErrors.conflict('CRON_JOB_RUNNING', `${job} is running on some replica; try again when it ends`, {
      job,
    }),
  backendUnavailable: (cause: string) =>
    CommonErrors.serviceUnavailable('CRON_BACKEND_UNAVAILABLE', `Cron state store unavailable: ${cause}`),
  shuttingDown: () => CommonErrors.serviceUnavailable('CRON_SHUTTING_DOWN', 'This instance is shutting down'),
  runTimedOut: (job: string, maxRunMs: number) =>
    new AppError('CRON_RUN_TIMED_OUT', 500, `${job} ran longer than its maxRunMs (${maxRunMs} ms)`, { job }),
  invalidDefinition: (where: string, problem: string) =>
    new Error(`@ClusterSafeCron on ${where}: ${problem}`),
};
