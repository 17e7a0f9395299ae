import { join } from 'node:path';
import { migrateServiceDatabases, serviceDatabases } from './service-databases';

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
  await migrateServiceDatabases(
    targets,
    (line) => console.log(`[migrate] ${line}`),
    (message) => console.log(`[migrate] ${message}`),
  );
}

main().catch((error: unknown) => {
  console.error(`[migrate] failed: ${(error as Error).message}`);
  process.exit(1);
});
