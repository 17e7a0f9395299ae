import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { SERVICE_CATALOG } from '@cloudphone/contracts';
import { repositoryRoot, serviceEnvironment } from '@cloudphone/shared/testing';

// Bad configuration stops each service at start, before it connects anywhere, naming the variable.
const REQUIRED = ['DATABASE_URL', 'REDIS_URL', 'RABBITMQ_URL', 'JWT_SECRET', 'SERVICE_TOKEN_SECRET'];

function runMain(
  service: string,
  env: Record<string, string>,
): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [join(repositoryRoot(), 'dist', 'apps', service, 'src', 'main.js')],
      {
        env,
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 15000);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}

const cases = [
  ...Object.values(SERVICE_CATALOG).flatMap((service) =>
    REQUIRED.map((variable) => [service.name, variable] as const),
  ),
  // Only the services that store secrets of their own (vendors' credentials, webhook signing
  // secrets) need the key.
  [SERVICE_CATALOG.proxy.name, 'VENDOR_CREDENTIALS_KEY'] as const,
  [SERVICE_CATALOG.smsReceive.name, 'VENDOR_CREDENTIALS_KEY'] as const,
  [SERVICE_CATALOG.notification.name, 'VENDOR_CREDENTIALS_KEY'] as const,
];

describe('service configuration at start', () => {
  const baseEnvironment = serviceEnvironment({ databaseUrl: 'postgres://postgres@127.0.0.1:5432/unused' });

  it.concurrent.each(cases)('%s exits non-zero naming %s when it is missing', async (service, variable) => {
    const env = { ...baseEnvironment };
    delete env[variable];
    const { code, stderr } = await runMain(service, env);
    expect(code).toBe(1);
    expect(stderr).toContain(`${variable} is required`);
  });

  it.concurrent.each(Object.values(SERVICE_CATALOG).map((service) => service.name))(
    '%s exits non-zero naming PORT when it is malformed',
    async (service) => {
      const { code, stderr } = await runMain(service, { ...baseEnvironment, PORT: 'http' });
      expect(code).toBe(1);
      const line = JSON.parse(stderr.trim().split('\n')[0]) as { level: string; problems: string[] };
      expect(line.level).toBe('fatal');
      expect(line.problems).toEqual([
        expect.stringContaining('PORT is malformed: got "http", expected an integer'),
      ]);
    },
  );
});
