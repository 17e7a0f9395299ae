import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ServiceName } from '@cloudphone/contracts';
import { envVariableSpecs, loadConfig, type PlatformServiceConfig } from '@cloudphone/shared';
import { repositoryRoot } from '@cloudphone/shared/testing';

type BuiltServiceConfig = Pick<PlatformServiceConfig, 'multiInstanceSignal' | 'trustProxy'> & {
  /** Every service's (where API keys are verified; device-service's quota client too). */
  userServiceUrl?: string;
  /** device-service's own setting (its billing client); other services have none. */
  billingServiceUrl?: string;
};

// e2e code does not import apps, so the config class is loaded from dist. Its `@cloudphone/shared`
// import resolves to the module imported above (Jest maps both to the library's source), so the
// decorators' metadata is readable with envVariableSpecs/loadConfig from here.
function builtConfigClass(service: ServiceName): new () => BuiltServiceConfig {
  const directory = join(repositoryRoot(), 'dist', 'apps', service, 'src', 'config');
  const file = readdirSync(directory).find((name) => name.endsWith('.config.js'));
  if (!file) throw new Error(`no compiled config class in ${directory}: run npm run build`);
  const exported = require(join(directory, file)) as Record<string, unknown>;
  const configClass = Object.values(exported).find((value) => typeof value === 'function');
  if (!configClass) throw new Error(`${file} exports no config class`);
  return configClass as new () => BuiltServiceConfig;
}

function variableSpecs(service: ServiceName) {
  const specs = envVariableSpecs(builtConfigClass(service));
  // An empty list would mean the metadata came from another copy of the library, not "no variables".
  if (!specs.some((spec) => spec.variable === 'DATABASE_URL')) {
    throw new Error(
      `${service}: the config class's variables are not readable (two copies of @cloudphone/shared?)`,
    );
  }
  return specs;
}

/** The variables a service refuses to start without (no default, not optional). */
export function requiredVariables(service: ServiceName): string[] {
  return variableSpecs(service)
    .filter((spec) => spec.required)
    .map((spec) => spec.variable);
}

/** Validates `environment` exactly as the service's main.ts does at start; throws naming each problem. */
export function loadBuiltConfig(
  service: ServiceName,
  environment: Record<string, string | undefined>,
): BuiltServiceConfig {
  return loadConfig(builtConfigClass(service), environment);
}

/** Every variable a service's config class reads, required or not. */
export function declaredVariables(service: ServiceName): string[] {
  return variableSpecs(service).map((spec) => spec.variable);
}
