import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { DistributedLockService } from './distributed-lock.service';
import { bindLockService, usesLockDecorator } from './lock.decorator';

/** At boot, hands the lock service to every provider and controller that has @Lock methods. */
@Injectable()
export class LockDecoratorBinder implements OnModuleInit {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly locks: DistributedLockService,
  ) {}

  onModuleInit(): void {
    for (const wrapper of [...this.discovery.getProviders(), ...this.discovery.getControllers()]) {
      const instance: unknown = wrapper.instance;
      if (!instance || typeof instance !== 'object' || !wrapper.isDependencyTreeStatic()) continue;
      if (usesLockDecorator(instance)) bindLockService(instance, this.locks);
    }
  }
}
