import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** What cloudphone_build_info reports when the build did not say. */
export const UNKNOWN_BUILD = 'unknown';

/** A release name as package.json or a tag spells it: 0.1.0, 1.4.0-rc.1, 2026.01.05+build.7. */
export const BUILD_VERSION_PATTERN = /^[0-9A-Za-z][0-9A-Za-z.+_-]{0,63}$/;
export const BUILD_VERSION_FORMAT =
  'a version such as 1.4.0 or 1.4.0-rc.1 (letters, digits, . + _ -; at most 64)';

/** A git commit id, abbreviated or full (SHA-1 or SHA-256), or `unknown`. */
export const BUILD_REVISION_PATTERN = /^(?:[0-9a-f]{7,64}|unknown)$/;
export const BUILD_REVISION_FORMAT =
  'a git commit id (7 to 64 lowercase hex digits, e.g. `git rev-parse HEAD`) or unknown';

/**
 * The version of the nearest package.json above this file: the repository's from source, and the
 * image's /app/package.json from dist. A release that forgets BUILD_VERSION still reports the
 * version it was built from.
 */
export function packageVersion(): string {
  let directory = __dirname;
  while (!existsSync(join(directory, 'package.json'))) {
    const parent = dirname(directory);
    if (parent === directory) return UNKNOWN_BUILD;
    directory = parent;
  }
  const { version } = JSON.parse(readFileSync(join(directory, 'package.json'), 'utf8')) as {
    version?: unknown;
  };
  return typeof version === 'string' && BUILD_VERSION_PATTERN.test(version) ? version : UNKNOWN_BUILD;
}
