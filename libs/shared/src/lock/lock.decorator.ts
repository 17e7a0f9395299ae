import 'reflect-metadata';
import type { DistributedLockService } from './distributed-lock.service';
import type { HoldOptions, LockOptions } from './lock.types';

const LOCK_SERVICE_BINDING = Symbol('cloudphone:lock-service');
const LOCKED_CLASS = 'cloudphone:locked-class';

/** A key template (`device:{0}`, `user:{0.userId}`) or a function of the method's arguments. */
export type LockKey = string | ((...args: never[]) => string);

/**
 * Runs the method under `DistributedLockService.withLock`, the key built from its arguments:
 * `{0}` is the first argument, `{1.user.id}` a path into the second. Throws LOCK_BUSY when the lock
 * is held elsewhere. The coordination module binds the lock service to every provider and
 * controller using it at boot, so the class injects nothing; `currentLock()` gives the method the
 * fencing token and the lost-lock signal.
 */
export function Lock(key: LockKey, options: LockOptions & HoldOptions) {
  return (target: object, propertyKey: string | symbol, descriptor: PropertyDescriptor): void => {
    const original: unknown = descriptor.value;
    const where = `${target.constructor.name}.${String(propertyKey)}`;
    if (typeof original !== 'function') throw new Error(`@Lock on ${where}: only methods can be locked`);
    if (typeof key === 'string') assertTemplate(key, where);
    Reflect.defineMetadata(LOCKED_CLASS, true, target.constructor);
    const locked = async function (this: Record<symbol, unknown>, ...args: unknown[]): Promise<unknown> {
      const service = this[LOCK_SERVICE_BINDING] as DistributedLockService | undefined;
      if (!service) {
        throw new Error(
          `@Lock on ${where}: no lock service bound; the class must be a Nest provider or controller of an app importing InfrastructureModule`,
        );
      }
      const resource = resolveLockKey(key, args, where);
      return service.withLock(resource, () => original.apply(this, args) as unknown, options);
    };
    for (const metadataKey of Reflect.getOwnMetadataKeys(original)) {
      Reflect.defineMetadata(metadataKey, Reflect.getOwnMetadata(metadataKey, original), locked);
    }
    Object.defineProperty(locked, 'name', { value: (original as { name: string }).name });
    descriptor.value = locked;
  };
}

/** True when the instance's class has @Lock methods. */
export function usesLockDecorator(instance: object): boolean {
  return Reflect.getMetadata(LOCKED_CLASS, instance.constructor) === true;
}

/** Gives an instance with @Lock methods the lock service they run with. */
export function bindLockService(instance: object, service: DistributedLockService): void {
  Object.defineProperty(instance, LOCK_SERVICE_BINDING, {
    value: service,
    configurable: true,
    enumerable: false,
  });
}

const PLACEHOLDER = /\{(\d+)((?:\.[A-Za-z_$][\w$]*)*)\}/g;

/** Builds the lock resource from a key template or function and the call's arguments. */
export function resolveLockKey(key: LockKey, args: unknown[], where = '@Lock'): string {
  if (typeof key === 'function') {
    const resource = (key as (...values: unknown[]) => unknown)(...args);
    if (typeof resource !== 'string' || resource === '')
      throw new Error(`${where}: lock key function returned no key`);
    return resource;
  }
  return key.replace(PLACEHOLDER, (placeholder, index: string, path: string) => {
    let value: unknown = args[Number(index)];
    for (const part of path.split('.').slice(1))
      value = (value as Record<string, unknown> | null | undefined)?.[part];
    if (value === undefined || value === null || value === '' || typeof value === 'object') {
      throw new Error(`${where}: lock key placeholder ${placeholder} has no usable value`);
    }
    return String(value);
  });
}

function assertTemplate(template: string, where: string): void {
  if (template.trim() === '') throw new Error(`${where}: empty lock key`);
  const leftover = template.replace(PLACEHOLDER, '');
  if (/[{}]/.test(leftover)) throw new Error(`${where}: malformed lock key template "${template}"`);
}
