import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IStatefulSet } from 'kubernetes-models/apps/v1/StatefulSet';
import type { IJob } from 'kubernetes-models/batch/v1/Job';
import type { INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { SERVICE_CATALOG, serviceVariablePrefix, type ServiceName } from '@cloudphone/contracts';
import { declaredVariables } from '../support/built-app-config';
import {
  renderKustomization,
  validateAgainstKubernetesSchema,
  type KubernetesObject,
} from '../support/kubernetes-manifests';
import { NetworkPolicyModel, type Endpoint } from '../support/network-policies';

const NAMESPACE = 'cloudphone';
const SERVICES = Object.values(SERVICE_CATALOG);

/**
 * The designed call graph, read from the built services: a service calls another when its config
 * reads that one's URL (DEVICE_SERVICE_URL …). user-service reads its own (the shared API-key settings)
 * but verifies keys locally, so a service never counts as its own caller.
 */
function designedCallees(caller: ServiceName): ServiceName[] {
  const variables = declaredVariables(caller);
  return SERVICES.map((service) => service.name).filter(
    (callee) => callee !== caller && variables.includes(`${serviceVariablePrefix(callee)}_URL`),
  );
}

function outsidePod(namespace: string, labels: Record<string, string>, ip: string): Endpoint {
  return { ip, pod: { namespace, namespaceLabels: { 'kubernetes.io/metadata.name': namespace }, labels } };
}

const INGRESS_CONTROLLER = outsidePod(
  'ingress-nginx',
  { 'app.kubernetes.io/name': 'ingress-nginx' },
  '10.244.9.1',
);
const PROMETHEUS = outsidePod('monitoring', { 'app.kubernetes.io/name': 'prometheus' }, '10.244.9.2');
const KUBE_DNS = outsidePod('kube-system', { 'k8s-app': 'kube-dns' }, '10.244.9.3');
/** A pod of the namespace that is none of the platform's (kubectl run, a compromised sidecar). */
const STRANGER = outsidePod(NAMESPACE, { run: 'debug' }, '10.244.9.4');
const OTHER_NAMESPACE_POD = outsidePod(
  'default',
  { 'app.kubernetes.io/name': 'ingress-nginx' },
  '10.244.9.5',
);
const MANAGED_POSTGRES: Endpoint = { ip: '10.20.0.5' };
const PUBLIC_HOST: Endpoint = { ip: '203.0.113.10' };
const PRIVATE_HOST: Endpoint = { ip: '10.20.0.9' };
const CLOUD_METADATA: Endpoint = { ip: '169.254.169.254' };

describe.each(['k8s/overlays/dev', 'k8s/overlays/prod'])('network policies of %s', (directory) => {
  let objects: KubernetesObject[];
  let model: NetworkPolicyModel;
  /** Every workload's pods as policy endpoints, by workload name. */
  const pods = new Map<string, Endpoint>();

  const pod = (name: string) => {
    const endpoint = pods.get(name);
    if (!endpoint) throw new Error(`no workload ${name} rendered`);
    return endpoint;
  };

  beforeAll(async () => {
    objects = await renderKustomization(directory);
    model = new NetworkPolicyModel(
      objects.filter((object) => object.kind === 'NetworkPolicy') as INetworkPolicy[],
    );
    const workloads = objects.filter((object) =>
      ['Deployment', 'StatefulSet', 'Job'].includes(object.kind),
    ) as Array<IDeployment | IStatefulSet | IJob>;
    workloads.forEach((workload, index) => {
      const template = workload.spec!.template;
      const ports = Object.fromEntries(
        template.spec!.containers.flatMap((container) =>
          (container.ports ?? []).map((port) => [port.name ?? '', port.containerPort]),
        ),
      );
      pods.set(workload.metadata!.name!, {
        ip: `10.244.1.${index + 1}`,
        pod: {
          namespace: workload.metadata!.namespace!,
          namespaceLabels: { 'kubernetes.io/metadata.name': workload.metadata!.namespace! },
          labels: template.metadata!.labels!,
          ports,
        },
      });
    });
  });

  it('renders NetworkPolicies that validate against the Kubernetes API schema', () => {
    const policies = objects.filter((object) => object.kind === 'NetworkPolicy');
    expect(policies.map((policy) => policy.metadata.name)).toEqual(
      expect.arrayContaining(['default-deny-ingress', ...SERVICES.map((service) => service.name)]),
    );
    for (const policy of policies) {
      expect(policy.metadata.namespace).toBe(NAMESPACE);
      expect(() => validateAgainstKubernetesSchema(policy)).not.toThrow();
    }
  });

  it('wires each service to the services its config calls, in its env and nowhere else', () => {
    for (const service of SERVICES) {
      const [deployment] = objects.filter(
        (object) => object.kind === 'Deployment' && object.metadata.name === service.name,
      ) as IDeployment[];
      const app = deployment.spec!.template.spec!.containers.find((container) => container.name === 'app')!;
      const urls = (app.env ?? [])
        .map((variable) => variable.name)
        .filter((name) => name.endsWith('_SERVICE_URL'))
        .sort();
      expect(`${service.name} → ${urls.join(',')}`).toBe(
        `${service.name} → ${designedCallees(service.name)
          .map((callee) => `${serviceVariablePrefix(callee)}_URL`)
          .sort()
          .join(',')}`,
      );
    }
  });

  it.each(SERVICES)('lets exactly the designed callers reach $name, in both directions', (target) => {
    const designed = SERVICES.map((service) => service.name).filter((caller) =>
      designedCallees(caller).includes(target.name),
    );
    const connection = (caller: ServiceName) => ({
      from: pod(caller),
      to: pod(target.name),
      port: target.port,
    });
    const admitted = SERVICES.map((service) => service.name).filter((caller) =>
      model.ingressAllows(connection(caller)),
    );
    const sent = SERVICES.map((service) => service.name).filter((caller) =>
      model.egressAllows(connection(caller)),
    );
    expect({ admitted, sent }).toEqual({ admitted: designed, sent: designed });
    expect(designed.every((caller) => model.allows(connection(caller)))).toBe(true);
  });

  it.each(SERVICES)(
    'admits the ingress controller and Prometheus to $name’s HTTP port, nobody else',
    (service) => {
      const target = pod(service.name);
      const [deployment] = objects.filter(
        (object) => object.kind === 'Deployment' && object.metadata.name === service.name,
      ) as IDeployment[];
      const metricsPort = Number(deployment.spec!.template.metadata!.annotations!['prometheus.io/port']);
      expect(metricsPort).toBe(service.port);
      expect(model.allows({ from: INGRESS_CONTROLLER, to: target, port: service.port })).toBe(true);
      expect(model.allows({ from: PROMETHEUS, to: target, port: metricsPort })).toBe(true);
      for (const stranger of [STRANGER, OTHER_NAMESPACE_POD, PUBLIC_HOST]) {
        expect(model.allows({ from: stranger, to: target, port: service.port })).toBe(false);
      }
      // Only the HTTP port: nothing else listens, and nothing else should be reachable if it did.
      expect(model.allows({ from: INGRESS_CONTROLLER, to: target, port: 9229 })).toBe(false);
    },
  );

  it.each(SERVICES)(
    'lets $name reach DNS, the data stores and vendors over HTTPS, not private hosts',
    (service) => {
      const from = pod(service.name);
      expect(model.allows({ from, to: KUBE_DNS, port: 53, protocol: 'UDP' })).toBe(true);
      expect(model.allows({ from, to: KUBE_DNS, port: 53, protocol: 'TCP' })).toBe(true);
      for (const port of [5432, 6379, 5672, 5671]) {
        expect(model.allows({ from, to: MANAGED_POSTGRES, port })).toBe(true);
      }
      expect(model.allows({ from, to: PUBLIC_HOST, port: 443 })).toBe(true);
      expect(model.allows({ from, to: PRIVATE_HOST, port: 8080 })).toBe(false);
      expect(model.allows({ from, to: CLOUD_METADATA, port: 80 })).toBe(false);
      // Webhooks (any public port) and proxy probes (the vendors' proxy ports) leave only these two.
      const anyPublicPort = (
        [SERVICE_CATALOG.notification.name, SERVICE_CATALOG.proxy.name] as ServiceName[]
      ).includes(service.name);
      expect(model.allows({ from, to: PUBLIC_HOST, port: 8443 })).toBe(anyPublicPort);
    },
  );

  it('lets the migrate Job reach DNS and Postgres only', () => {
    const [job] = objects.filter((object) => object.kind === 'Job');
    const from = pod(job.metadata.name);
    expect(model.allows({ from, to: KUBE_DNS, port: 53, protocol: 'UDP' })).toBe(true);
    expect(model.allows({ from, to: MANAGED_POSTGRES, port: 5432 })).toBe(true);
    expect(model.allows({ from, to: MANAGED_POSTGRES, port: 6379 })).toBe(false);
    expect(model.allows({ from, to: PUBLIC_HOST, port: 443 })).toBe(false);
    expect(model.allows({ from, to: pod(SERVICE_CATALOG.user.name), port: SERVICE_CATALOG.user.port })).toBe(
      false,
    );
  });

  if (directory.endsWith('dev')) {
    it('lets the services (and the migrate Job, Postgres) reach the in-cluster data stores', () => {
      const [job] = objects.filter((object) => object.kind === 'Job');
      const stores: Array<[string, number, string[]]> = [
        ['postgres', 5432, [...SERVICES.map((service) => service.name), job.metadata.name]],
        ['redis', 6379, SERVICES.map((service) => service.name)],
        ['rabbitmq', 5672, SERVICES.map((service) => service.name)],
      ];
      for (const [store, port, clients] of stores) {
        for (const client of clients) {
          expect(`${client} → ${store}: ${model.allows({ from: pod(client), to: pod(store), port })}`).toBe(
            `${client} → ${store}: true`,
          );
        }
        expect(model.allows({ from: STRANGER, to: pod(store), port })).toBe(false);
      }
      expect(model.allows({ from: pod(job.metadata.name), to: pod('redis'), port: 6379 })).toBe(false);
    });
  }

  it('lets no workload’s pods be reached from outside the platform except as above', () => {
    for (const [name, target] of pods) {
      const ports = Object.values(target.pod!.ports ?? {});
      for (const port of ports.length > 0 ? ports : [8080]) {
        expect(`${name}:${port} ${model.ingressAllows({ from: STRANGER, to: target, port })}`).toBe(
          `${name}:${port} false`,
        );
      }
    }
  });
});
