#!/usr/bin/env node
// tsc keeps `require('@cloudphone/shared')` as written. This writes tiny packages under
// dist/node_modules so the compiled apps resolve the libraries' compiled entry points at run time,
// with no path-rewriting loader in production. Given library names (`shared`, `contracts`), it links
// only those: that is each library's Nx `link` target, kept apart from the cached `build` because the
// Nx cache never stores or restores anything under a node_modules folder.
const { mkdirSync, writeFileSync } = require('node:fs');
const { join, relative } = require('node:path');

const root = join(__dirname, '..', '..');
const dist = join(root, 'dist');
const entries = {
  '@cloudphone/shared': 'libs/shared/src/index.js',
  '@cloudphone/shared/testing': 'libs/shared/src/testing/index.js',
  '@cloudphone/contracts': 'libs/contracts/src/index.js',
};

const only = process.argv.slice(2);
const wanted = ([specifier]) => only.length === 0 || only.includes(specifier.split('/')[1]);

for (const [specifier, target] of Object.entries(entries).filter(wanted)) {
  const file = join(dist, 'node_modules', specifier, 'index.js');
  mkdirSync(join(file, '..'), { recursive: true });
  const path = relative(join(file, '..'), join(dist, target)).split('\\').join('/');
  writeFileSync(file, `module.exports = require('${path}');\n`);
}
