import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BaseServiceConfig } from '../config/base-service.config';
import { loadConfig, type Environment } from '../config/config-loader';
import { ConfigValidationError } from '../config/config-validation.error';
import { recordBuildInfo } from './build-info.metric';
import { MetricsService } from './metrics.service';

class ExampleServiceConfig extends BaseServiceConfig {
  readonly serviceName = 'example-service';
}

const ROOT_VERSION = (
  JSON.parse(readFileSync(join(__dirname, '..', '..', '..', '..', 'package.json'), 'utf8')) as {
    version: string;
  }
).version;

/** What GET /metrics serves for cloudphone_build_info with this environment. */
async function buildInfoLines(environment: Environment): Promise<string[]> {
  const config = loadConfig(ExampleServiceConfig, environment);
  const metrics = new MetricsService(config.serviceName);
  recordBuildInfo(metrics, { version: config.buildVersion, revision: config.buildRevision });
  const text = await metrics.registry.metrics();
  return text.split('\n').filter((line) => line.startsWith('cloudphone_build_info{'));
}

function problemsFor(environment: Environment): string[] {
  try {
    loadConfig(ExampleServiceConfig, environment);
    return [];
  } catch (error) {
    if (error instanceof ConfigValidationError) return error.problems;
    throw error;
  }
}

describe('cloudphone_build_info', () => {
  it('is 1 with the version, revision and service labels the environment gives', async () => {
    const lines = await buildInfoLines({ BUILD_VERSION: '1.4.0-rc.1', BUILD_REVISION: 'a1b2c3d4e5f6' });
    expect(lines).toEqual([
      'cloudphone_build_info{version="1.4.0-rc.1",revision="a1b2c3d4e5f6",service="example-service"} 1',
    ]);
  });

  it('defaults to the root package.json version and an unknown revision', async () => {
    expect(await buildInfoLines({})).toEqual([
      `cloudphone_build_info{version="${ROOT_VERSION}",revision="unknown",service="example-service"} 1`,
    ]);
  });

  it('carries no instance label: the replica is the scrape target', async () => {
    const metrics = new MetricsService('example-service');
    recordBuildInfo(metrics, { version: '1.0.0', revision: 'unknown' });
    const [build] = (await metrics.registry.getMetricsAsJSON()).filter(
      (metric) => metric.name === 'cloudphone_build_info',
    );
    expect(Object.keys(build.values[0].labels).sort()).toEqual(['revision', 'service', 'version']);
  });

  it('stops the start naming the variable when the version or the revision is malformed', () => {
    expect(problemsFor({ BUILD_REVISION: 'main' })).toEqual([
      expect.stringMatching(/^BUILD_REVISION is malformed: .*git commit id/),
    ]);
    expect(problemsFor({ BUILD_REVISION: 'A1B2C3D' })).toEqual([
      expect.stringMatching(/^BUILD_REVISION is malformed/),
    ]);
    expect(problemsFor({ BUILD_VERSION: '1.0.0 "beta"' })).toEqual([
      expect.stringMatching(/^BUILD_VERSION is malformed: .*version such as 1\.4\.0/),
    ]);
    expect(problemsFor({ BUILD_REVISION: '0123456789abcdef0123456789abcdef01234567' })).toEqual([]);
  });
});
