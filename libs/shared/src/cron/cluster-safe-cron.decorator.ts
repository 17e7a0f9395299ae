import 'reflect-metadata';
import { CronErrors } from './cron.errors';
import { CronSchedule } from './cron-schedule';
import type { ClusterSafeCronOptions } from './cron.types';

export const CLUSTER_SAFE_CRON = 'cloudphone:cluster-safe-cron';
export const CRON_JOB_NAME_PATTERN = /^[A-Za-z0-9][\w.-]{0,99}$/;

export interface ClusterSafeCronMetadata {
  expression: string;
  options: ClusterSafeCronOptions;
}

/**
 * Marks a provider method to run once per tick across all replicas. Metadata only: the coordination
 * module's scheduler discovers the method at boot and runs it under the job's lock, passing a
 * CronRunContext; the class injects nothing. The expression and options are checked right here, so
 * a bad one stops the process at start.
 */
export function ClusterSafeCron(expression: string, options: ClusterSafeCronOptions = {}) {
  return (target: object, propertyKey: string | symbol, descriptor: PropertyDescriptor): void => {
    const where = `${target.constructor.name}.${String(propertyKey)}`;
    if (typeof descriptor.value !== 'function')
      throw CronErrors.invalidDefinition(where, 'decorate a method');
    validateOptions(where, expression, options);
    const metadata: ClusterSafeCronMetadata = { expression, options };
    Reflect.defineMetadata(CLUSTER_SAFE_CRON, metadata, descriptor.value as object);
  };
}

/** The @ClusterSafeCron metadata on a method, if any. */
export function clusterSafeCronMetadata(method: unknown): ClusterSafeCronMetadata | undefined {
  if (typeof method !== 'function') return undefined;
  return Reflect.getMetadata(CLUSTER_SAFE_CRON, method) as ClusterSafeCronMetadata | undefined;
}

function validateOptions(where: string, expression: string, options: ClusterSafeCronOptions): void {
  try {
    new CronSchedule(expression, options.timeZone ?? 'UTC');
  } catch (error) {
    throw CronErrors.invalidDefinition(
      where,
      `invalid expression "${expression}" or time zone "${options.timeZone ?? 'UTC'}": ${(error as Error).message}`,
    );
  }
  if (options.name !== undefined && !CRON_JOB_NAME_PATTERN.test(options.name)) {
    throw CronErrors.invalidDefinition(where, `name "${options.name}" must match ${CRON_JOB_NAME_PATTERN}`);
  }
  for (const field of ['maxRunMs', 'minHoldMs', 'jitterMs'] as const) {
    const value = options[field];
    if (value !== undefined && (!Number.isInteger(value) || value < (field === 'maxRunMs' ? 1 : 0))) {
      throw CronErrors.invalidDefinition(
        where,
        `${field} must be a ${field === 'maxRunMs' ? 'positive' : 'non-negative'} integer`,
      );
    }
  }
  if (options.overlap !== undefined && options.overlap !== 'skip' && options.overlap !== 'wait') {
    throw CronErrors.invalidDefinition(where, `overlap must be 'skip' or 'wait'`);
  }
}
