// Runs once before the integration and e2e suites: they need the real servers and a build. The
// check is on the shared library's compiled entry point, which `npm run build` and every Nx build
// (each depends on the libraries' builds) produce: a project's Nx `test` target builds only that
// project and what it runs, so `nx run shared:test` does not wait for every app to compile.
const { existsSync } = require('node:fs');
const { join } = require('node:path');
const { assertServersReachable } = require('./server-reachability.js');

module.exports = async function globalSetup() {
  await assertServersReachable();
  const root = join(__dirname, '..', '..', '..', '..');
  if (!existsSync(join(root, 'dist', 'libs', 'shared', 'src', 'index.js'))) {
    throw new Error(
      'Nothing is built: run `npm run build` (npm test does it), or `npx nx run <project>:test`.',
    );
  }
};
