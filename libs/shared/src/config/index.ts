export { BaseServiceConfig } from './base-service.config';
export { type Environment, loadConfig } from './config-loader';
export {
  EnvBoolean,
  EnvEnum,
  EnvInteger,
  EnvString,
  EnvUrl,
  envVariableSpecs,
} from './env-variable.decorators';
