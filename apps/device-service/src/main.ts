import 'reflect-metadata';
import { bootstrapService, loadConfigOrExit } from '@cloudphone/shared';
import { serviceEntry } from './service-entry';

const config = loadConfigOrExit(serviceEntry.configClass, process.env);
void bootstrapService({
  rootModule: serviceEntry.rootModule(config),
  config,
  port: config.port,
  description: serviceEntry.description,
});
