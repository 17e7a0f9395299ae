export { DistributedLockService } from './distributed-lock.service';
export { currentLock } from './held-lock.context';
export { Lock } from './lock.decorator';
export { RedisLockDriver } from './redis-lock.driver';
