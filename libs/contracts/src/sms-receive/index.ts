export * from './sms-attributes';
export * from './sms-number.dto';
export * from './sms-provider.dto';
export { SMS_RECEIVE_ROUTES } from './sms-receive.routes';
