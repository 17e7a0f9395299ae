import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';
import { SERVICE_CATALOG } from '@cloudphone/contracts';
import { repositoryRoot } from '@cloudphone/shared/testing';
import { loadBuiltConfig, requiredVariables } from '../support/built-app-config';

// No Docker engine here: the compose file is checked against the Compose Specification schema
// (shipped in the dclint package, which copies compose-spec/compose-spec's schema/compose-spec.json)
// and against what the apps and the image need.
const root = repositoryRoot();

interface ComposeService {
  image?: string;
  build?: unknown;
  command?: string[];
  environment?: Record<string, string>;
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
  volumes?: string[];
}

interface ComposeFile {
  services: Record<string, ComposeService>;
}

function composeSchema(): object {
  const packageFile = require.resolve('dclint/package.json');
  const file = join(packageFile, '..', 'schemas', 'compose.schema.json');
  // Its `$schema` names draft-07 by a URL spelling Ajv does not register; Ajv's default is draft-07.
  const { $schema: _draft, ...schema } = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  return schema;
}

/** `${NAME:-default}` → default, as Compose resolves it when NAME is unset. */
function interpolateDefaults(value: string): string {
  return value.replace(
    /\$\{(\w+)(?::?-([^}]*))?\}/g,
    (_, _name: string, fallback?: string) => fallback ?? '',
  );
}

const compose = parse(readFileSync(join(root, 'docker-compose.dev.yml'), 'utf8'), {
  merge: true,
}) as ComposeFile;

describe('docker-compose.dev.yml', () => {
  it('is valid against the Compose Specification schema', () => {
    const ajv = new Ajv({ allErrors: true, strict: false });
    addFormats(ajv);
    const validate = ajv.compile(composeSchema());
    const valid = validate(compose);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it('runs Postgres with every service database, Redis, RabbitMQ with its management UI, all health-checked', () => {
    const { postgres, redis, rabbitmq } = compose.services;
    for (const infrastructure of [postgres, redis, rabbitmq])
      expect(infrastructure.healthcheck?.test.length).toBeGreaterThan(0);
    expect(rabbitmq.image).toMatch(/management/);
    const initMount = postgres.volumes?.find((volume) => volume.includes('/docker-entrypoint-initdb.d/'));
    const initSql = readFileSync(join(root, initMount!.split(':')[0]), 'utf8');
    for (const service of Object.values(SERVICE_CATALOG)) {
      expect(initSql).toContain(`CREATE DATABASE ${service.database};`);
    }
  });

  it('migrates once before any service starts', () => {
    const { migrate } = compose.services;
    expect(migrate.command).toEqual(['node', 'dist/tools/migrate/migrate.js']);
    expect(migrate.depends_on?.postgres.condition).toBe('service_healthy');
    expect(existsSync(join(root, 'dist', 'tools', 'migrate', 'migrate.js'))).toBe(true);
  });

  it.each(Object.values(SERVICE_CATALOG))(
    'runs $name with a health check, waiting for its dependencies',
    (service) => {
      const definition = compose.services[service.name];
      expect(definition.command).toEqual(['node', `dist/apps/${service.name}/src/main.js`]);
      expect(existsSync(join(root, definition.command![1]))).toBe(true);
      expect(definition.healthcheck?.test).toEqual([
        'CMD',
        'node',
        'dist/tools/docker/healthcheck.js',
        '/health/live',
      ]);
      expect(definition.depends_on).toEqual({
        postgres: { condition: 'service_healthy' },
        redis: { condition: 'service_healthy' },
        rabbitmq: { condition: 'service_healthy' },
        migrate: { condition: 'service_completed_successfully' },
      });

      const environment = Object.fromEntries(
        Object.entries(definition.environment ?? {}).map(([key, value]) => [
          key,
          interpolateDefaults(String(value)),
        ]),
      );
      for (const variable of requiredVariables(service.name))
        expect(Object.keys(environment)).toContain(variable);
      const config = loadBuiltConfig(service.name, environment);
      expect(environment.PORT).toBe(String(service.port));
      expect(new URL(environment.DATABASE_URL).pathname).toBe(`/${service.database}`);
      expect(config.multiInstanceSignal()).not.toBeNull();

      // Every other service asks user-service about API keys, by Compose service name.
      if (service.name !== SERVICE_CATALOG.user.name) {
        const users = new URL(config.userServiceUrl ?? '');
        expect(users.hostname).toBe(SERVICE_CATALOG.user.name);
        expect(users.port).toBe(compose.services[SERVICE_CATALOG.user.name].environment?.PORT);
      }

      // device-service reaches the services it calls by Compose service name, on the owner's port.
      if (service.name !== SERVICE_CATALOG.device.name) return;
      for (const [url, owner] of [
        [config.userServiceUrl, SERVICE_CATALOG.user],
        [config.billingServiceUrl, SERVICE_CATALOG.billing],
      ] as const) {
        const target = new URL(url ?? '');
        expect(target.hostname).toBe(owner.name);
        expect(target.port).toBe(compose.services[owner.name].environment?.PORT);
      }
    },
  );
});

describe('Dockerfile', () => {
  const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
  const runtimeStage = dockerfile.slice(dockerfile.search(/^FROM .* AS runtime$/m));

  it('builds in one stage and runs as a non-root user with production dependencies only', () => {
    expect(dockerfile).toMatch(/^FROM .* AS build$/m);
    expect(dockerfile).toMatch(/^RUN npm run build$/m);
    expect(runtimeStage).toMatch(/^RUN npm ci --omit=dev/m);
    expect(runtimeStage).toMatch(/^COPY --from=build \/app\/dist \.\/dist$/m);
    expect(runtimeStage).toMatch(/^COPY migrations \.\/migrations$/m);
    expect(runtimeStage).toMatch(/^USER node$/m);
    expect(runtimeStage).toMatch(/^HEALTHCHECK .*\n?.*dist\/tools\/docker\/healthcheck\.js/m);
    // The build's revision reaches cloudphone_build_info, declared after the dependency layers.
    expect(runtimeStage).toMatch(/^ARG BUILD_REVISION=unknown$/m);
    expect(runtimeStage.search(/^ENV .*BUILD_REVISION=\$\{BUILD_REVISION\}/m)).toBeGreaterThan(
      runtimeStage.search(/^RUN npm ci/m),
    );
    for (const script of ['healthcheck.js', 'start-app.js']) {
      expect(existsSync(join(root, 'dist', 'tools', 'docker', script))).toBe(true);
    }
  });

  it('ships code that needs no devDependency at run time', () => {
    const { dependencies } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    const missing = new Set<string>();
    for (const file of runtimeFiles(join(root, 'dist'))) {
      for (const [, specifier] of readFileSync(file, 'utf8').matchAll(/require\("([^".][^"]*)"\)/g)) {
        const name = specifier.startsWith('@')
          ? specifier.split('/').slice(0, 2).join('/')
          : specifier.split('/')[0];
        const builtin = specifier.startsWith('node:') || builtinModules.includes(name);
        if (!builtin && !name.startsWith('@cloudphone/') && !(name in dependencies))
          missing.add(`${name} (${file})`);
      }
    }
    expect([...missing]).toEqual([]);
  });
});

/** Compiled files the image runs: apps, libraries and tools, not tests, fixtures or benchmarks. */
function runtimeFiles(directory: string): string[] {
  const skipped = ['node_modules', 'testing', 'bench', 'e2e'];
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) return skipped.includes(entry.name) ? [] : runtimeFiles(path);
    return entry.name.endsWith('.js') ? [path] : [];
  });
}
