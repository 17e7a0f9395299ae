import { BaseServiceConfig } from './base-service.config';
import { loadConfig, type Environment } from './config-loader';

class ExampleServiceConfig extends BaseServiceConfig {
  readonly serviceName = 'example-service';
}

const REQUIRED: Environment = {
  DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/example',
  REDIS_URL: 'redis://127.0.0.1:6379',
  RABBITMQ_URL: 'amqp://guest:guest@127.0.0.1:5672',
  JWT_SECRET: 'j'.repeat(32),
  SERVICE_TOKEN_SECRET: 's'.repeat(32),
};

function signalFor(environment: Environment): string | null {
  return loadConfig(ExampleServiceConfig, { ...REQUIRED, ...environment }).multiInstanceSignal();
}

// The PM2 variables below are what PM2 6 puts in a worker's environment (observed with `pm2 start`
// and `pm2 scale`; see lib/ProcessContainer.js, which copies every pm2_env field into process.env).
describe('BaseServiceConfig.multiInstanceSignal', () => {
  it('is null for a plain standalone process', () => {
    expect(signalFor({})).toBeNull();
  });

  it('fires for every worker of a PM2 cluster, including worker 0', () => {
    for (const index of ['0', '1', '2']) {
      expect(signalFor({ exec_mode: 'cluster_mode', instances: '3', NODE_APP_INSTANCE: index })).toMatch(
        /PM2 cluster mode/,
      );
    }
  });

  it('fires for a PM2 cluster started with one instance, which `pm2 scale` and `pm2 reload` can multiply', () => {
    expect(signalFor({ exec_mode: 'cluster_mode', instances: '1', NODE_APP_INSTANCE: '0' })).toMatch(
      /exec_mode=cluster_mode, instances=1/,
    );
  });

  it('is null for a single PM2 fork-mode process and fires for several', () => {
    expect(signalFor({ exec_mode: 'fork_mode', instances: '1', NODE_APP_INSTANCE: '0' })).toBeNull();
    expect(signalFor({ exec_mode: 'fork_mode', instances: '2', NODE_APP_INSTANCE: '0' })).toMatch(
      /instances=2/,
    );
  });

  it('fires in a Kubernetes pod (the kubelet sets KUBERNETES_SERVICE_HOST) unless CLUSTER_MODE=off', () => {
    expect(signalFor({ KUBERNETES_SERVICE_HOST: '10.96.0.1' })).toMatch(/Kubernetes/);
    expect(signalFor({ KUBERNETES_SERVICE_HOST: '10.96.0.1', CLUSTER_MODE: 'off' })).toBeNull();
  });

  it('does not let CLUSTER_MODE=off hide a PM2 cluster', () => {
    expect(signalFor({ exec_mode: 'cluster_mode', instances: '1', CLUSTER_MODE: 'off' })).toMatch(/PM2/);
  });

  it('fires when CLUSTER_MODE=on, as the deployment files set it', () => {
    expect(signalFor({ CLUSTER_MODE: 'on' })).toBe('CLUSTER_MODE=on');
  });
});
