export { PUSH_FANOUT, type PushFanout } from './push-fanout';
export { createPushFanout } from './push-fanout.factory';
export { PushFanoutModule } from './push-fanout.module';
export { LocalPushFanout } from './local-push.fanout';
export { RedisPushFanout } from './redis-push.fanout';
