#!/usr/bin/env node
// tsc keeps `require('@cloudphone/shared')` as written. This writes tiny packages under
// dist/node_modules so the compiled apps resolve the libraries' compiled entry points at run time,
// with no path-rewriting loader in production.
const { mkdirSync, writeFileSync } = require('node:fs');
const { join, relative } = require('node:path');

const root = join(__dirname, '..', '..');
const dist = join(root, 'dist');
const entries = {
  '@cloudphone/shared': 'libs/shared/src/index.js',
  '@cloudphone/shared/testing': 'libs/shared/src/testing/index.js',
  '@cloudphone/contracts': 'libs/contracts/src/index.js',
};

for (const [specifier, target] of Object.entries(entries)) {
  const file = join(dist, 'node_modules', specifier, 'index.js');
  mkdirSync(join(file, '..'), { recursive: true });
  const path = relative(join(file, '..'), join(dist, target)).split('\\').join('/');
  writeFileSync(file, `module.exports = require('${path}');\n`);
}
