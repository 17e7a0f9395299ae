import { loadConfig, type Environment } from '../config/config-loader';
import { ConfigValidationError } from '../config/config-validation.error';

/**
 * For main.ts: validated config, or a JSON line on stderr naming every bad variable and exit code 1,
 * before anything connects anywhere.
 */
export function loadConfigOrExit<T extends object>(configClass: new () => T, environment: Environment): T {
  try {
    return loadConfig(configClass, environment);
  } catch (error) {
    if (!(error instanceof ConfigValidationError)) throw error;
    process.stderr.write(
      `${JSON.stringify({ level: 'fatal', time: new Date().toISOString(), msg: error.message, problems: error.problems })}\n`,
    );
    process.exit(1);
  }
}
