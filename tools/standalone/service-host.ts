import { join } from 'node:path';
import { SERVICE_CATALOG, type ServiceName, serviceVariablePrefix } from '@cloudphone/contracts';
import {
  type AppLogger,
  bootstrapService,
  type Environment,
  InProcessEventBus,
  loadConfig,
  type PlatformServiceConfig,
  type RunningService,
  type ServiceEntry,
  ServiceContext,
} from '@cloudphone/shared';

export interface HostedService {
  name: ServiceName;
  running: RunningService;
  /** The in-process bus of its EVENTS_EXCHANGE. */
  bus: InProcessEventBus;
}

/** The port of each service: `<SERVICE>_PORT`, else its catalog port. */
export function servicePorts(environment: Environment): Record<ServiceName, number> {
  return Object.fromEntries(
    Object.values(SERVICE_CATALOG).map((service) => [
      service.name,
      Number(environment[`${serviceVariablePrefix(service.name)}_PORT`] || service.port),
    ]),
  ) as Record<ServiceName, number>;
}

/**
 * Runs the six services inside this process, each a Nest app with its own config, database pool,
 * HTTP listener and jobs, exactly as its main.ts would (the same ServiceEntry). They share the
 * process's in-process event bus and one logger; ServiceContext tags each line with its service.
 * The apps are loaded from dist by path: tools may not import apps (Nx tags), and this is the
 * build `npm start` runs anyway.
 */
export async function startServices(
  repositoryRoot: string,
  environments: Record<ServiceName, Environment>,
  logger: AppLogger,
): Promise<HostedService[]> {
  const hosted: HostedService[] = [];
  // No event is routed until every service has declared its queue (see InProcessEventBus.hold).
  const buses = new Set<InProcessEventBus>();
  let current: ServiceName = SERVICE_CATALOG.user.name;
  try {
    for (const service of Object.values(SERVICE_CATALOG)) {
      current = service.name;
      const file = join(repositoryRoot, 'dist', 'apps', service.name, 'src', 'service-entry.js');
      const { serviceEntry } = (await import(file)) as {
        serviceEntry: ServiceEntry<PlatformServiceConfig & { port: number }>;
      };
      const config = loadConfig(serviceEntry.configClass, environments[service.name]);
      const bus = InProcessEventBus.forExchange(config.eventsExchange);
      bus.hold();
      buses.add(bus);
      const running = await ServiceContext.run(service.name, () =>
        bootstrapService({
          rootModule: serviceEntry.rootModule(config),
          config,
          port: config.port,
          description: serviceEntry.description,
          logger,
          ownsProcess: false,
        }),
      );
      hosted.push({ name: service.name, running, bus });
    }
    for (const bus of buses) bus.open();
    return hosted;
  } catch (error) {
    // Open first: a relay stopping mid-publish must not wait on the gate.
    for (const bus of buses) bus.open();
    await stopServices(hosted, 'start failed');
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new Error(
        `${current} cannot listen: ${(error as Error).message}; set ${serviceVariablePrefix(current)}_PORT to a free port`,
      );
    }
    throw error;
  }
}

/** Graceful shutdown of every hosted service at once (each drains its requests, jobs and consumer). */
export async function stopServices(hosted: HostedService[], reason: string): Promise<void> {
  for (const service of hosted) service.bus.stopRouting();
  await Promise.allSettled(
    hosted.map((service) => ServiceContext.run(service.name, () => service.running.shutdown(reason))),
  );
}
