import { SERVICE_CATALOG } from '@cloudphone/contracts';

type CatalogEntry = (typeof SERVICE_CATALOG)[keyof typeof SERVICE_CATALOG];

/** The catalog entry of `name` (e.g. `device-service`), or an error listing the valid names. */
export function serviceByName(name: string | undefined): CatalogEntry {
  const service = Object.values(SERVICE_CATALOG).find((entry) => entry.name === name);
  if (!service) {
    const names = Object.values(SERVICE_CATALOG)
      .map((entry) => entry.name)
      .join(', ');
    throw new Error(`APP must name a service (${names}); got "${name ?? ''}"`);
  }
  return service;
}
