import { Module } from '@nestjs/common';
import { RedisConnectionManager } from '@cloudphone/shared';
import { PUSH_FANOUT } from './push-fanout';
import { createPushFanout } from './push-fanout.factory';

/**
 * Provides the PushFanout under PUSH_FANOUT. The push server closes it at shutdown, after its
 * sockets, so the connections never outlive the server that uses them.
 */
@Module({
  providers: [
    {
      provide: PUSH_FANOUT,
      // Null when the process coordinates in memory (InfrastructureModule provides it so).
      inject: [RedisConnectionManager],
      useFactory: (redis: RedisConnectionManager | null) => createPushFanout(redis),
    },
  ],
  exports: [PUSH_FANOUT],
})
export class PushFanoutModule {}
