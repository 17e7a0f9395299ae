import { QUOTA_RESOURCE_NAMES, type QuotaResourceName, type QuotaResources } from '@cloudphone/contracts';

/** The first resource (in contract order) for which usage plus `requested` passes the limit. */
export function firstExceeded(
  limits: QuotaResources,
  usage: QuotaResources,
  requested: QuotaResources,
): QuotaResourceName | undefined {
  return QUOTA_RESOURCE_NAMES.find((resource) => usage[resource] + requested[resource] > limits[resource]);
}

/** Every resource whose proposed limit is below what is already in use. */
export function limitsBelowUsage(
  limits: QuotaResources,
  usage: QuotaResources,
): Array<{ resource: QuotaResourceName; limit: number; usage: number }> {
  return QUOTA_RESOURCE_NAMES.filter((resource) => limits[resource] < usage[resource]).map((resource) => ({
    resource,
    limit: limits[resource],
    usage: usage[resource],
  }));
}
