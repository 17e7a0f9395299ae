import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative, sep } from 'node:path';
import { repositoryRoot } from '@cloudphone/shared/testing';

/**
 * The capability folders of libs/shared/src in layers: a folder imports only folders of a lower
 * layer, so no cycle can form between them (docs/architecture.md). A new folder must be placed
 * here before its first import is accepted. testing/ is test support and may import anything.
 */
const LAYERS: Record<string, number> = {
  // Primitives: typed settings, seeded randomness.
  config: 0,
  random: 0,
  concurrency: 0,
  secrets: 0,
  // Connections and process-wide services.
  logging: 1,
  metrics: 1,
  redis: 1,
  messaging: 1,
  health: 1,
  errors: 2,
  auth: 3,
  pagination: 3,
  'request-body': 3,
  database: 4,
  lock: 4,
  // OpenAPI decorators that read route metadata (auth) and that controllers of any layer use.
  openapi: 4,
  http: 4,
  // Capabilities built on those.
  cache: 5,
  cron: 5,
  'rate-limit': 6,
  events: 6,
  monitoring: 6,
  // Deliveries other services owe billing, through the outbox.
  'service-charges': 7,
  // Clients of device- and user-service for services that rent alongside devices.
  'platform-clients': 5,
  // Composition: the module every app imports, its controllers and the process bootstrap.
  bootstrap: 7,
};

const EXEMPT = new Set(['testing']);

interface FolderImport {
  from: string;
  to: string;
  file: string;
}

/** Imports that go sideways or up, and folders the table does not place. */
function layerViolations(imports: FolderImport[], layers: Record<string, number>): string[] {
  const problems: string[] = [];
  for (const { from, to, file } of imports) {
    if (!Object.hasOwn(layers, from)) problems.push(`${from}/ is not placed in a layer (${file})`);
    else if (!Object.hasOwn(layers, to))
      problems.push(`${to}/ is not placed in a layer (imported by ${file})`);
    else if (layers[to] >= layers[from]) {
      problems.push(`${file} (layer ${layers[from]}) imports ${to}/ (layer ${layers[to]})`);
    }
  }
  return [...new Set(problems)];
}

function productionFiles(directory: string): string[] {
  return readdirSync(directory).flatMap((name) => {
    const path = join(directory, name);
    if (statSync(path).isDirectory()) return productionFiles(path);
    return name.endsWith('.ts') && !/\.(int-|e2e-)?spec\.ts$/.test(name) ? [path] : [];
  });
}

const IMPORT = /(?:from|import|require)\s*\(?\s*'(\.{1,2}\/[^']+)'/g;

function sharedFolderImports(): FolderImport[] {
  const root = join(repositoryRoot(), 'libs', 'shared', 'src');
  const imports: FolderImport[] = [];
  for (const folder of readdirSync(root)) {
    if (EXEMPT.has(folder) || !statSync(join(root, folder)).isDirectory()) continue;
    for (const file of productionFiles(join(root, folder))) {
      for (const [, specifier] of readFileSync(file, 'utf8').matchAll(IMPORT)) {
        const target = relative(root, normalize(join(dirname(file), specifier))).split(sep)[0];
        if (target !== folder) imports.push({ from: folder, to: target, file: relative(root, file) });
      }
    }
  }
  return imports;
}

describe('libs/shared capability layers', () => {
  it('finds the relative imports between folders (the check has something to check)', () => {
    const imports = sharedFolderImports();
    expect(imports).toContainEqual({ from: 'cache', to: 'redis', file: 'cache/cache.module.ts' });
    expect(imports.length).toBeGreaterThan(50);
  });

  it('has every folder import only folders of a lower layer, so folders form no cycle', () => {
    expect(layerViolations(sharedFolderImports(), LAYERS)).toEqual([]);
  });

  it('keeps the bottom (config, redis, database, messaging) free of the capabilities above it', () => {
    const above = ['lock', 'cron', 'cache', 'rate-limit', 'events', 'health', 'http'];
    const bottom = ['config', 'redis', 'database', 'messaging'];
    const offending = sharedFolderImports().filter(
      ({ from, to }) => bottom.includes(from) && above.includes(to),
    );
    expect(offending).toEqual([]);
  });

  it('reports an upward import, a cycle and an unplaced folder', () => {
    const layers = { config: 0, cron: 1 };
    expect(
      layerViolations(
        [
          { from: 'cron', to: 'config', file: 'cron/a.ts' },
          { from: 'config', to: 'cron', file: 'config/b.ts' },
          { from: 'widgets', to: 'config', file: 'widgets/c.ts' },
        ],
        layers,
      ),
    ).toEqual([
      'config/b.ts (layer 0) imports cron/ (layer 1)',
      'widgets/ is not placed in a layer (widgets/c.ts)',
    ]);
  });
});
