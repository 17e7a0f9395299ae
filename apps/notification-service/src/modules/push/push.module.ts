import { Module } from '@nestjs/common';
import { PushFanoutModule } from '../../integrations/push-fanout';
import { DeliveriesModule } from '../deliveries';
import { PushAuthenticator } from './push.authenticator';
import { PushChannel } from './push.channel';
import { PushGateway } from './push.gateway';
import { PushMetrics } from './push.metrics';

/**
 * The WebSocket push channel: the socket.io server on the service's port (PushGateway), its
 * handshake check (PushAuthenticator), and the `push` NotificationChannel registered with the
 * deliveries module.
 */
@Module({
  imports: [DeliveriesModule, PushFanoutModule],
  providers: [PushAuthenticator, PushGateway, PushChannel, PushMetrics],
  exports: [PushGateway],
})
export class PushModule {}
