// Runs once before the integration and e2e suites: they need the real servers and the built apps.
const { existsSync } = require('node:fs');
const { join } = require('node:path');
const { assertServersReachable } = require('./server-reachability.js');

module.exports = async function globalSetup() {
  await assertServersReachable();
  const root = join(__dirname, '..', '..', '..', '..');
  if (!existsSync(join(root, 'dist', 'apps', 'user-service', 'src', 'main.js'))) {
    throw new Error('The apps are not built: run `npm run build` (npm test does it for you).');
  }
};
