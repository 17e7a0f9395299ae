import { ConfigValidationError } from './config-validation.error';
import { type EnvVariableSpec, envVariableSpecs } from './env-variable.decorators';

export type Environment = Record<string, string | undefined>;

/**
 * Builds a typed config object from environment variables, validating every declared variable.
 * Throws ConfigValidationError naming each missing or malformed variable and what was expected.
 */
export function loadConfig<T extends object>(configClass: new () => T, environment: Environment): T {
  const config = new configClass();
  const problems: string[] = [];
  for (const spec of envVariableSpecs(configClass)) {
    const raw = environment[spec.variable]?.trim();
    if (raw === undefined || raw === '') {
      const exempt =
        spec.requiredUnless !== undefined &&
        environment[spec.requiredUnless.variable]?.trim() === spec.requiredUnless.value;
      if (spec.required && !exempt) problems.push(requiredProblem(spec));
      else (config as Record<string, unknown>)[spec.property] = spec.defaultValue;
      continue;
    }
    const parsed = spec.parse(raw);
    if (parsed.ok) (config as Record<string, unknown>)[spec.property] = parsed.value;
    else {
      const got = `got "${redact(spec.variable, raw)}", expected ${spec.expected}`;
      problems.push(
        `${spec.variable} is malformed: ${parsed.problem === undefined ? got : `${parsed.problem} (${got})`}`,
      );
    }
  }
  if (problems.length > 0) throw new ConfigValidationError(problems);
  return config;
}

function requiredProblem(spec: EnvVariableSpec): string {
  const unless = spec.requiredUnless;
  const exemption = unless === undefined ? '' : ` unless ${unless.variable}=${unless.value}`;
  return `${spec.variable} is required${exemption} (expected ${spec.expected})`;
}

function redact(variable: string, raw: string): string {
  if (/SECRET|PASSWORD|TOKEN/i.test(variable)) return '***';
  return raw.replace(/\/\/([^:/@]+):([^@]+)@/, '//$1:***@');
}
