import { join } from 'node:path';
import { MigrationRunner } from '@cloudphone/shared';
import { serviceDatabases } from './service-databases';

// Applies pending SQL migrations to every service database (or those named as arguments).
async function main(): Promise<void> {
  const repositoryRoot = join(__dirname, '..', '..', '..');
  const only = process.argv.slice(2);
  const targets = serviceDatabases(process.env, repositoryRoot).filter(
    (target) => only.length === 0 || only.includes(target.service),
  );
  if (only.length > 0 && targets.length !== only.length) {
    throw new Error(`Unknown service in ${only.join(', ')}`);
  }
  for (const target of targets) {
    const runner = new MigrationRunner({
      databaseUrl: target.databaseUrl,
      directory: target.migrationsDirectory,
      sharedDirectory: target.sharedMigrationsDirectory,
      log: (message) => console.log(`[migrate] ${message}`),
    });
    const result = await runner.run();
    console.log(
      `[migrate] ${target.service} (${result.database}): ${result.applied.length} applied, ${result.alreadyApplied} already applied`,
    );
  }
}

main().catch((error: unknown) => {
  console.error(`[migrate] failed: ${(error as Error).message}`);
  process.exit(1);
});
