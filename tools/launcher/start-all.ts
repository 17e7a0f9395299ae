import { join } from 'node:path';
import { runStandalone } from '../standalone/standalone';
import { runWithServers } from './start-servers';

// `npm start`: standalone (embedded PostgreSQL, everything in one process, nothing to install)
// unless a server is named: POSTGRES_URL, REDIS_URL, RABBITMQ_URL, a <SERVICE>_DATABASE_URL, or
// `--servers` (`npm run start:servers`). Then the six services run against those servers.
const SERVER_VARIABLES = ['POSTGRES_URL', 'REDIS_URL', 'RABBITMQ_URL'];

/** Why the servers mode was chosen, or null for standalone. */
function serversRequested(environment: NodeJS.ProcessEnv, argv: string[]): string | null {
  if (argv.includes('--servers')) return '--servers';
  const named = Object.keys(environment).filter(
    (variable) =>
      Boolean(environment[variable]) &&
      (SERVER_VARIABLES.includes(variable) || /^[A-Z_]+_SERVICE_DATABASE_URL$/.test(variable)),
  );
  return named.length > 0 ? named.sort().join(', ') : null;
}

const repositoryRoot = join(__dirname, '..', '..', '..');
const reason = serversRequested(process.env, process.argv.slice(2));
if (reason !== null) console.log(`[start] servers mode (${reason} set)`);
const run = reason === null ? runStandalone : runWithServers;
run(process.env, repositoryRoot).catch((error: unknown) => {
  console.error(`[start] failed: ${(error as Error).message}`);
  process.exit(1);
});
