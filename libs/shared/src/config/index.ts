export { BaseServiceConfig, LOG_LEVELS } from './base-service.config';
export type { LogLevel } from './base-service.config';
export { loadConfig } from './config-loader';
export type { Environment } from './config-loader';
export { ConfigValidationError } from './config-validation.error';
export {
  EnvBoolean,
  EnvEnum,
  EnvInteger,
  EnvParsed,
  EnvString,
  EnvUrl,
  envVariableSpecs,
} from './env-variable.decorators';
export type { EnvVariableSpec } from './env-variable.decorators';
export type { TrustProxySetting } from './trust-proxy.setting';
export { composeConfig, configSlicesOf } from './compose-config';
