import type { DynamicModule } from '@nestjs/common';
import type { PlatformServiceConfig } from './platform-service.config';

/** What the platform needs to run one app, in its own process (main.ts) or in the standalone host. */
export interface ServiceEntry<C extends PlatformServiceConfig & { port: number }> {
  configClass: new () => C;
  rootModule(config: C): DynamicModule;
  /** The OpenAPI description. */
  description: string;
}
