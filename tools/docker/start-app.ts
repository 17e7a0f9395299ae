import { join } from 'node:path';
import { serviceByName } from './service-by-name';

// The image's default command: runs the service named by APP (build arg or environment) in this
// process, so it is PID 1's signals (SIGTERM from Docker or Kubernetes) that start the graceful drain.
try {
  const service = serviceByName(process.env.APP);
  require(join(__dirname, '..', '..', 'apps', service.name, 'src', 'main.js'));
} catch (error) {
  console.error(`[start-app] ${(error as Error).message}`);
  process.exit(1);
}
