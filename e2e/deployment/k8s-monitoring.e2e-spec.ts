import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IService } from 'kubernetes-models/v1/Service';
import { parse } from 'yaml';
import { SERVICE_NAMES } from '@cloudphone/contracts';
import { repositoryRoot } from '@cloudphone/shared/testing';
import {
  renderKustomization,
  renderWithComponents,
  validateAgainstKubernetesSchema,
  type KubernetesObject,
} from '../support/kubernetes-manifests';

// The opt-in monitoring component: a ServiceMonitor and a PrometheusRule that validate against the
// Prometheus Operator's CRD schemas, scrape exactly the six services, and carry the rules file.

const COMPONENT = 'k8s/components/monitoring';
const RULES_PATH = 'monitoring/prometheus/cloudphone.rules.yaml';
const OPERATOR_GROUP = 'monitoring.coreos.com/';

interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{ key: string; operator: string; values?: string[] }>;
}

interface ServiceMonitor extends KubernetesObject {
  spec: {
    selector: LabelSelector;
    endpoints: Array<{
      port?: string;
      path?: string;
      honorLabels?: boolean;
      relabelings?: Array<{ sourceLabels?: string[]; targetLabel?: string; action?: string }>;
      metricRelabelings?: Array<{ action?: string; regex?: string }>;
    }>;
  };
}

function selects(selector: LabelSelector, labels: Record<string, string> = {}): boolean {
  const byLabel = Object.entries(selector.matchLabels ?? {}).every(([key, value]) => labels[key] === value);
  const byExpression = (selector.matchExpressions ?? []).every(({ key, operator, values = [] }) => {
    if (operator === 'In') return values.includes(labels[key]);
    if (operator === 'NotIn') return !values.includes(labels[key]);
    if (operator === 'Exists') return key in labels;
    return !(key in labels);
  });
  return byLabel && byExpression;
}

describe.each(['k8s/overlays/dev', 'k8s/overlays/prod'])(`%s with ${COMPONENT}`, (overlay) => {
  let plain: KubernetesObject[];
  let monitored: KubernetesObject[];

  beforeAll(async () => {
    [plain, monitored] = await Promise.all([
      renderKustomization(overlay),
      renderWithComponents(overlay, [COMPONENT]),
    ]);
  });

  it('is opt-in: the overlay alone has no Prometheus Operator object, and the component adds only its two', () => {
    expect(plain.filter((object) => object.apiVersion.startsWith(OPERATOR_GROUP))).toEqual([]);
    const added = monitored.filter((object) => object.apiVersion.startsWith(OPERATOR_GROUP));
    expect(added.map((object) => `${object.kind}/${object.metadata.name}`).sort()).toEqual([
      'PrometheusRule/cloudphone',
      'ServiceMonitor/cloudphone',
    ]);
    expect(monitored.filter((object) => !added.includes(object))).toEqual(plain);
  });

  it('renders objects that validate against their schemas, all in the cloudphone namespace', () => {
    const problems: string[] = [];
    for (const object of monitored.filter((candidate) => candidate.apiVersion.startsWith(OPERATOR_GROUP))) {
      try {
        validateAgainstKubernetesSchema(object);
      } catch (error) {
        problems.push((error as Error).message);
      }
      expect(`${object.kind} in ${object.metadata.namespace}`).toBe(`${object.kind} in cloudphone`);
    }
    expect(problems).toEqual([]);
  });

  it('scrapes /metrics on the http port of exactly the six services, labelled service, without honorLabels', () => {
    const [monitor] = monitored.filter((object) => object.kind === 'ServiceMonitor') as ServiceMonitor[];
    const services = monitored.filter((object) => object.kind === 'Service') as Array<
      KubernetesObject & IService
    >;
    const selected = services.filter((service) => selects(monitor.spec.selector, service.metadata.labels));
    expect(selected.map((service) => service.metadata.name).sort()).toEqual([...SERVICE_NAMES].sort());

    expect(monitor.spec.endpoints).toHaveLength(1);
    const [endpoint] = monitor.spec.endpoints;
    expect(endpoint).toMatchObject({ port: 'http', path: '/metrics' });
    expect(endpoint.honorLabels).toBeUndefined();
    for (const service of selected) {
      expect(service.spec?.ports?.map((port) => port.name)).toContain(endpoint.port);
      // The target's `service` label is the service's own name, like the label on its series.
      expect(service.metadata.labels?.['app.kubernetes.io/name']).toBe(service.metadata.name);
    }
    expect(endpoint.relabelings).toContainEqual({
      sourceLabels: ['__meta_kubernetes_service_label_app_kubernetes_io_name'],
      targetLabel: 'service',
    });
    expect(endpoint.metricRelabelings).toContainEqual({ action: 'labeldrop', regex: 'exported_service' });
  });

  it(`carries the groups of ${RULES_PATH}`, () => {
    const [rule] = monitored.filter((object) => object.kind === 'PrometheusRule') as Array<
      KubernetesObject & { spec: { groups: unknown[] } }
    >;
    const rules = parse(readFileSync(join(repositoryRoot(), RULES_PATH), 'utf8')) as { groups: unknown[] };
    expect(rule.spec.groups).toEqual(rules.groups);
  });
});

describe('the Prometheus Operator schemas', () => {
  // They must refuse what the API server or the operator would: a misspelt field, a rule that is
  // both an alert and a recording rule, a malformed duration.
  it.each([
    [
      'ServiceMonitor',
      { selector: {}, endpoints: [{ port: 'http', honorlabels: true }] },
      /must NOT have additional properties/,
    ],
    ['ServiceMonitor', { endpoints: [] }, /must have required property 'selector'/],
    [
      'PrometheusRule',
      { groups: [{ name: 'g', rules: [{ alert: 'A', record: 'a:b', expr: 'up' }] }] },
      /must match exactly one schema in oneOf/,
    ],
    [
      'PrometheusRule',
      { groups: [{ name: 'g', rules: [{ alert: 'A', expr: 'up', for: '5 minutes' }] }] },
      /pattern/,
    ],
  ])('rejects a %s with %j', (kind, spec, message) => {
    const object = { apiVersion: 'monitoring.coreos.com/v1', kind, metadata: { name: 'broken' }, spec };
    expect(() => validateAgainstKubernetesSchema(object)).toThrow(message);
  });
});
