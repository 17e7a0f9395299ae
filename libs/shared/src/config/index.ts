export { BaseServiceConfig } from './base-service.config';
export { loadConfig } from './config-loader';
export {
  EnvBoolean,
  EnvEnum,
  EnvInteger,
  EnvString,
  EnvUrl,
  envVariableSpecs,
} from './env-variable.decorators';
