/** The six services: their names, default ports and databases (shared/SPEC.md §3). */
export const SERVICE_CATALOG = {
  user: { name: 'user-service', port: 30001, database: 'cloudphone_user' },
  device: { name: 'device-service', port: 30002, database: 'cloudphone_device' },
  billing: { name: 'billing-service', port: 30005, database: 'cloudphone_billing' },
  notification: { name: 'notification-service', port: 30006, database: 'cloudphone_notification' },
  proxy: { name: 'proxy-service', port: 30007, database: 'cloudphone_proxy' },
  smsReceive: { name: 'sms-receive-service', port: 30008, database: 'cloudphone_sms_receive' },
} as const;

export type ServiceKey = keyof typeof SERVICE_CATALOG;
export type ServiceName = (typeof SERVICE_CATALOG)[ServiceKey]['name'];

export const SERVICE_NAMES: ServiceName[] = Object.values(SERVICE_CATALOG).map((service) => service.name);

/**
 * `device-service` → `DEVICE_SERVICE`: the prefix of a service's own variables wherever one
 * environment feeds every service (`<SERVICE>_PORT`, `<SERVICE>_DATABASE_URL`, `_INSTANCES`,
 * `_CRON_SCHEDULE_OVERRIDES`): ecosystem.config.js, `npm run migrate`, both `npm start` modes.
 */
export function serviceVariablePrefix(service: string): string {
  return service.toUpperCase().replace(/-/g, '_');
}
