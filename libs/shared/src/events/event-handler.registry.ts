import { Injectable, Logger } from '@nestjs/common';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import type { EventEnvelope } from '@cloudphone/contracts';
import { EVENT_HANDLER_PATTERNS } from './on-event.decorator';

/** One `@OnEvent` method found at boot. */
export interface EventHandlerBinding {
  /** `ClassName.methodName`, for logs. */
  name: string;
  patterns: string[];
  invoke(event: EventEnvelope): Promise<void>;
}

/** Finds `@OnEvent` methods on every singleton provider, as @nestjs/schedule finds `@Cron`. */
@Injectable()
export class EventHandlerRegistry {
  private readonly logger = new Logger('EventHandlerRegistry');

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
  ) {}

  discover(): EventHandlerBinding[] {
    const bindings: EventHandlerBinding[] = [];
    for (const wrapper of this.discovery.getProviders()) {
      const instance = wrapper.instance as Record<string, unknown> | undefined;
      if (!instance || typeof instance !== 'object') continue;
      const prototype = Object.getPrototypeOf(instance) as object | null;
      if (!prototype) continue;
      for (const method of this.scanner.getAllMethodNames(prototype)) {
        const handler = instance[method];
        if (typeof handler !== 'function') continue;
        const patterns = Reflect.getMetadata(EVENT_HANDLER_PATTERNS, handler) as string[] | undefined;
        if (!patterns) continue;
        const name = `${instance.constructor.name}.${method}`;
        if (!wrapper.isDependencyTreeStatic()) {
          throw new Error(
            `@OnEvent handler ${name} must live in a singleton provider, not a request-scoped one`,
          );
        }
        bindings.push({
          name,
          patterns,
          invoke: async (event) => {
            await (handler as (event: EventEnvelope) => unknown).call(instance, event);
          },
        });
        this.logger.log({ msg: 'event handler registered', handler: name, patterns });
      }
    }
    return bindings;
  }
}
