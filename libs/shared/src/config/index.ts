export { BaseServiceConfig } from './base-service.config';
export { type Environment, loadConfig } from './config-loader';
export {
  EnvBoolean,
  EnvEnum,
  EnvInteger,
  EnvParsed,
  EnvString,
  EnvUrl,
  envVariableSpecs,
} from './env-variable.decorators';
