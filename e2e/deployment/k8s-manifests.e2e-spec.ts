import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IStatefulSet } from 'kubernetes-models/apps/v1/StatefulSet';
import type { IHorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import type { IJob } from 'kubernetes-models/batch/v1/Job';
import type { IIngress } from 'kubernetes-models/networking.k8s.io/v1/Ingress';
import type { IPodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import type { IConfigMap } from 'kubernetes-models/v1/ConfigMap';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { ISecret } from 'kubernetes-models/v1/Secret';
import type { IService } from 'kubernetes-models/v1/Service';
import { parse } from 'yaml';
import {
  BILLING_ROUTES,
  DEVICE_ROUTES,
  NOTIFICATION_ROUTES,
  PROXY_ROUTES,
  SERVICE_CATALOG,
  serviceVariablePrefix,
  SMS_RECEIVE_ROUTES,
  USER_ROUTES,
  type ServiceName,
} from '@cloudphone/contracts';
import { repositoryRoot } from '@cloudphone/shared/testing';
import { loadBuiltConfig, requiredVariables } from '../support/built-app-config';
import {
  renderKustomization,
  validateAgainstKubernetesSchema,
  type KubernetesObject,
} from '../support/kubernetes-manifests';

const NAMESPACE = 'cloudphone';
const SERVICES = Object.values(SERVICE_CATALOG);
/** Public path prefixes and the service that owns them: the contracts' routes plus §5's /scheduler. */
const OWNED_PREFIXES: Array<[string, ServiceName]> = [
  ...(
    [
      [USER_ROUTES, SERVICE_CATALOG.user.name],
      [DEVICE_ROUTES, SERVICE_CATALOG.device.name],
      [BILLING_ROUTES, SERVICE_CATALOG.billing.name],
      [NOTIFICATION_ROUTES, SERVICE_CATALOG.notification.name],
      [PROXY_ROUTES, SERVICE_CATALOG.proxy.name],
      [SMS_RECEIVE_ROUTES, SERVICE_CATALOG.smsReceive.name],
    ] as const
  ).flatMap(([routes, owner]) =>
    Object.values(routes).map((route): [string, ServiceName] => [`/${route.split('/')[0]}`, owner]),
  ),
  ['/scheduler', SERVICE_CATALOG.device.name],
];

const secretTemplate = parse(
  readFileSync(join(repositoryRoot(), 'k8s', 'base', 'secret.template.yaml'), 'utf8'),
) as ISecret;

interface Rendered {
  objects: KubernetesObject[];
  of<T>(kind: string, name?: string): T[];
  /** The values of the Secret the workloads read: generated in dev, the template's in prod. */
  secretValues(name: string): Record<string, string>;
  configMap(name: string): Record<string, string>;
}

async function render(directory: string): Promise<Rendered> {
  const objects = await renderKustomization(directory);
  const of = <T>(kind: string, name?: string) =>
    objects.filter(
      (object) => object.kind === kind && (name === undefined || object.metadata.name === name),
    ) as T[];
  return {
    objects,
    of,
    secretValues(name) {
      const [secret] = of<ISecret>('Secret', name);
      if (!secret) return { ...(secretTemplate.stringData ?? {}) };
      return Object.fromEntries(
        Object.entries(secret.data ?? {}).map(([key, value]) => [
          key,
          Buffer.from(value, 'base64').toString('utf8'),
        ]),
      );
    },
    configMap(name) {
      const [configMap] = of<IConfigMap>('ConfigMap', name);
      if (!configMap) throw new Error(`ConfigMap ${name} is not rendered`);
      return { ...(configMap.data ?? {}) };
    },
  };
}

/** The environment the kubelet gives the container, with `podName` for the downward API. */
function containerEnvironment(
  rendered: Rendered,
  container: IContainer,
  podName: string,
): Record<string, string> {
  const environment: Record<string, string> = { KUBERNETES_SERVICE_HOST: '10.96.0.1' };
  for (const source of container.envFrom ?? []) {
    if (source.configMapRef) Object.assign(environment, rendered.configMap(source.configMapRef.name!));
    if (source.secretRef) Object.assign(environment, rendered.secretValues(source.secretRef.name!));
  }
  for (const variable of container.env ?? []) {
    const from = variable.valueFrom;
    let value: string | undefined = variable.value;
    if (from?.secretKeyRef) value = rendered.secretValues(from.secretKeyRef.name!)[from.secretKeyRef.key];
    if (from?.configMapKeyRef)
      value = rendered.configMap(from.configMapKeyRef.name!)[from.configMapKeyRef.key];
    if (from?.fieldRef?.fieldPath === 'metadata.name') value = podName;
    if (value === undefined) throw new Error(`${container.name}: ${variable.name} resolves to nothing`);
    environment[variable.name] = value;
  }
  return environment;
}

describe.each([
  ['k8s/overlays/dev', 'dev'],
  ['k8s/overlays/prod', 'prod'],
] as const)('kustomize overlay %s', (directory, overlay) => {
  let rendered: Rendered;

  beforeAll(async () => {
    rendered = await render(directory);
  });

  it('renders objects that all validate against the Kubernetes API schema', () => {
    expect(rendered.objects.length).toBeGreaterThanOrEqual(1 + SERVICES.length * 4);
    const problems: string[] = [];
    for (const object of rendered.objects) {
      try {
        validateAgainstKubernetesSchema(object);
      } catch (error) {
        problems.push((error as Error).message);
      }
    }
    expect(problems).toEqual([]);
    for (const object of rendered.objects.filter((candidate) => candidate.kind !== 'Namespace')) {
      expect(`${object.kind}/${object.metadata.name} in ${object.metadata.namespace}`).toBe(
        `${object.kind}/${object.metadata.name} in ${NAMESPACE}`,
      );
    }
  });

  it.each(SERVICES)(
    'runs $name with probes, resources, ≥2 replicas and every variable its config requires',
    (service) => {
      const [deployment] = rendered.of<IDeployment>('Deployment', service.name);
      const spec = deployment.spec!;
      expect(spec.replicas).toBeGreaterThanOrEqual(overlay === 'prod' ? 3 : 2);
      const pod = spec.template.spec!;
      const app = pod.containers.find((container) => container.name === 'app')!;
      expect(app.command).toEqual(['node', `dist/apps/${service.name}/src/main.js`]);
      expect(app.ports).toEqual([{ name: 'http', containerPort: service.port }]);

      expect(app.startupProbe?.httpGet).toEqual({ path: '/health/live', port: 'http' });
      expect(app.livenessProbe?.httpGet).toEqual({ path: '/health/live', port: 'http' });
      expect(app.readinessProbe?.httpGet).toEqual({ path: '/health/ready', port: 'http' });
      expect(app.resources?.requests).toEqual(
        expect.objectContaining({ cpu: expect.any(String), memory: expect.any(String) }),
      );
      expect(app.resources?.limits?.memory).toEqual(expect.any(String));

      const environment = containerEnvironment(rendered, app, `${service.name}-7d9f8c6b5-x2x7q`);
      expect(Object.keys(environment)).toEqual(expect.arrayContaining(requiredVariables(service.name)));
      const config = loadBuiltConfig(service.name, environment);
      expect(config.multiInstanceSignal()).not.toBeNull();
      expect(environment.PORT).toBe(String(service.port));
      expect(environment.INSTANCE_ID).toBe(`${service.name}-7d9f8c6b5-x2x7q`);
      expect(environment.POD_NAME).toBe(environment.INSTANCE_ID);
      expect(new URL(environment.DATABASE_URL).pathname).toBe(`/${service.database}`);
      // Public requests come through one proxy, the ingress controller.
      expect(config.trustProxy).toBe(1);

      // device-service reaches the services it calls by their Service's cluster DNS name and port,
      // which lead to the owner's pods.
      // Every other service asks user-service about API keys the same way.
      const callees =
        service.name === SERVICE_CATALOG.device.name
          ? ([
              [config.userServiceUrl, SERVICE_CATALOG.user],
              [config.billingServiceUrl, SERVICE_CATALOG.billing],
            ] as const)
          : service.name === SERVICE_CATALOG.user.name
            ? []
            : ([[config.userServiceUrl, SERVICE_CATALOG.user]] as const);
      for (const [url, owner] of callees) {
        const target = new URL(url ?? '');
        const [kubernetesService] = rendered.of<IService>('Service', target.hostname);
        expect(kubernetesService?.spec?.selector).toEqual(
          rendered.of<IDeployment>('Deployment', owner.name)[0].spec!.selector.matchLabels,
        );
        expect(kubernetesService.spec!.ports!.map((port) => String(port.port))).toContain(target.port);
        expect(kubernetesService.spec!.ports![0].port).toBe(owner.port);
      }

      // Kubernetes kills the pod terminationGracePeriodSeconds after it starts terminating, preStop included.
      const preStop = app.lifecycle?.preStop?.exec?.command ?? [];
      expect(preStop[0]).toBe('sleep');
      const drainMs =
        Number(preStop[1]) * 1000 +
        Number(environment.SHUTDOWN_DELAY_MS) +
        Number(environment.SHUTDOWN_TIMEOUT_MS);
      expect(pod.terminationGracePeriodSeconds! * 1000).toBeGreaterThan(drainMs);

      const migrate = pod.initContainers?.find((container) => container.name === 'migrate');
      expect(migrate?.command).toEqual(['node', 'dist/tools/migrate/migrate.js', service.name]);
      const migrateEnvironment = containerEnvironment(rendered, migrate!, service.name);
      expect(migrateEnvironment[`${serviceVariablePrefix(service.name)}_DATABASE_URL`]).toBe(
        environment.DATABASE_URL,
      );
    },
  );

  it.each(SERVICES)('exposes $name through a Service and protects it with a PDB and an HPA', (service) => {
    const [deployment] = rendered.of<IDeployment>('Deployment', service.name);
    const podLabels = deployment.spec!.template.metadata!.labels!;
    const selects = (selector: Record<string, string> = {}) =>
      Object.keys(selector).length > 0 &&
      Object.entries(selector).every(([key, value]) => podLabels[key] === value);

    const [kubernetesService] = rendered.of<IService>('Service', service.name);
    expect(selects(kubernetesService.spec!.selector)).toBe(true);
    expect(kubernetesService.spec!.ports).toEqual([{ name: 'http', port: service.port, targetPort: 'http' }]);

    const [budget] = rendered.of<IPodDisruptionBudget>('PodDisruptionBudget', service.name);
    expect(selects(budget.spec!.selector!.matchLabels)).toBe(true);
    expect(budget.spec!.maxUnavailable).toBe(1);

    const [autoscaler] = rendered.of<IHorizontalPodAutoscaler>('HorizontalPodAutoscaler', service.name);
    expect(autoscaler.spec!.scaleTargetRef).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name: service.name,
    });
    expect(autoscaler.spec!.minReplicas).toBe(deployment.spec!.replicas);
    expect(autoscaler.spec!.maxReplicas).toBeGreaterThan(autoscaler.spec!.minReplicas!);
  });

  it('routes every public path prefix to the service that owns it', () => {
    const [ingress] = rendered.of<IIngress>('Ingress', 'cloudphone');
    const paths = ingress.spec!.rules!.flatMap((rule) => rule.http!.paths);
    for (const [prefix, owner] of OWNED_PREFIXES) {
      const path = paths.find((candidate) => candidate.path === prefix);
      expect(`${prefix} → ${path?.backend.service?.name}:${path?.backend.service?.port?.name}`).toBe(
        `${prefix} → ${owner}:http`,
      );
      expect(path?.pathType).toBe('Prefix');
    }
    if (overlay === 'prod') {
      expect(ingress.spec!.tls?.[0]?.secretName).toBe('cloudphone-tls');
      expect(ingress.spec!.rules![0].host).toBe(ingress.spec!.tls![0].hosts![0]);
    }
  });

  it('migrates every service database in a Job named after the release', () => {
    const jobs = rendered.of<IJob>('Job');
    expect(jobs).toHaveLength(1);
    const [job] = jobs;
    const container = job.spec!.template.spec!.containers[0];
    const tag = container.image!.split(':').pop();
    expect(job.metadata!.name).toBe(`cloudphone-migrate-${tag}`);
    expect(container.command).toEqual(['node', 'dist/tools/migrate/migrate.js']);
    const environment = containerEnvironment(rendered, container, 'cloudphone-migrate-abcde');
    for (const service of SERVICES) {
      expect(new URL(environment[`${serviceVariablePrefix(service.name)}_DATABASE_URL`]).pathname).toBe(
        `/${service.database}`,
      );
    }
  });

  if (overlay === 'dev') {
    it('runs Postgres (with every service database), Redis and RabbitMQ in the cluster', () => {
      const servers = rendered.of<IStatefulSet>('StatefulSet').map((set) => set.metadata!.name);
      expect(servers.sort()).toEqual(['postgres', 'rabbitmq', 'redis']);
      const secrets = rendered.secretValues(rendered.of<ISecret>('Secret')[0].metadata!.name!);
      expect(new URL(secrets.REDIS_URL).hostname).toBe('redis');
      expect(new URL(secrets.RABBITMQ_URL).hostname).toBe('rabbitmq');
      for (const service of SERVICES) {
        expect(new URL(secrets[`${serviceVariablePrefix(service.name)}_DATABASE_URL`]).hostname).toBe(
          'postgres',
        );
      }
      const [init] = rendered
        .of<IConfigMap>('ConfigMap')
        .filter((map) => map.metadata!.name!.startsWith('postgres-init'));
      const sql = Object.values(init.data ?? {}).join('\n');
      for (const service of SERVICES) expect(sql).toContain(`CREATE DATABASE ${service.database};`);
    });
  } else {
    it('keeps secrets out of the repository: no Secret rendered, every key read is in the template', () => {
      expect(rendered.of('Secret')).toEqual([]);
      expect(rendered.of('StatefulSet')).toEqual([]);
      const templateKeys = Object.keys(secretTemplate.stringData ?? {});
      const workloads = [...rendered.of<IDeployment>('Deployment'), ...rendered.of<IJob>('Job')];
      for (const workload of workloads) {
        const pod = workload.spec!.template.spec!;
        for (const container of [...pod.containers, ...(pod.initContainers ?? [])]) {
          for (const variable of container.env ?? []) {
            const reference = variable.valueFrom?.secretKeyRef;
            if (!reference) continue;
            expect(`${reference.name}/${reference.key}`).toBe(
              `cloudphone-secrets/${templateKeys.includes(reference.key) ? reference.key : '(not in template)'}`,
            );
          }
        }
      }
    });
  }
});

describe('k8s/kustomization.yaml', () => {
  it('deploys the dev overlay, so `kubectl apply -k k8s` brings up a complete platform', async () => {
    const [root, dev] = await Promise.all([render('k8s'), render('k8s/overlays/dev')]);
    expect(root.objects).toEqual(dev.objects);
  });
});
