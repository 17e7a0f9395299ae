export { PushModule } from './push.module';
export { PushGateway, userRoom } from './push.gateway';
