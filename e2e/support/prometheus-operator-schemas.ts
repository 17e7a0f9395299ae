import Ajv, { type ValidateFunction } from 'ajv';

// JSON schemas of the two Prometheus Operator kinds the monitoring component ships, written from the
// operator's CRDs (monitoring.coreos.com_servicemonitors.yaml and _prometheusrules.yaml, v0.84): no
// package in node_modules publishes them. They cover the fields the platform may use; an unknown
// field fails, as `kubectl apply` with strict field validation refuses it.

const DURATION = {
  type: 'string',
  pattern: '^(0|(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?)$',
};
const STRING_MAP = { type: 'object', additionalProperties: { type: 'string' } };
const STRINGS = { type: 'array', items: { type: 'string' } };
const LABEL_NAME = { type: 'string', pattern: '^[a-zA-Z_][a-zA-Z0-9_]*$' };

const OBJECT_META = {
  type: 'object',
  required: ['name'],
  properties: {
    name: { type: 'string', pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$' },
    namespace: { type: 'string' },
    labels: STRING_MAP,
    annotations: STRING_MAP,
  },
};

const LABEL_SELECTOR = {
  type: 'object',
  additionalProperties: false,
  properties: {
    matchLabels: STRING_MAP,
    matchExpressions: {
      type: 'array',
      items: {
        type: 'object',
        required: ['key', 'operator'],
        additionalProperties: false,
        properties: {
          key: { type: 'string' },
          operator: { enum: ['In', 'NotIn', 'Exists', 'DoesNotExist'] },
          values: STRINGS,
        },
      },
    },
  },
};

const RELABEL_ACTIONS = ['replace', 'keep', 'drop', 'hashmod', 'labelmap', 'labeldrop', 'labelkeep'];
const RELABEL_CONFIGS = {
  type: 'array',
  items: {
    type: 'object',
    additionalProperties: false,
    properties: {
      action: {
        enum: [
          ...RELABEL_ACTIONS,
          ...['lowercase', 'uppercase', 'keepequal', 'dropequal'],
          ...['Replace', 'Keep', 'Drop', 'HashMod', 'LabelMap', 'LabelDrop', 'LabelKeep'],
          ...['Lowercase', 'Uppercase', 'KeepEqual', 'DropEqual'],
        ],
      },
      modulus: { type: 'integer' },
      regex: { type: 'string' },
      replacement: { type: 'string' },
      separator: { type: 'string' },
      sourceLabels: { type: 'array', items: LABEL_NAME },
      targetLabel: { type: 'string' },
    },
  },
};

const ENDPOINT = {
  type: 'object',
  additionalProperties: false,
  properties: {
    port: { type: 'string' },
    targetPort: { anyOf: [{ type: 'integer' }, { type: 'string' }] },
    path: { type: 'string' },
    scheme: { enum: ['http', 'https', 'HTTP', 'HTTPS'] },
    params: { type: 'object', additionalProperties: STRINGS },
    interval: DURATION,
    scrapeTimeout: DURATION,
    honorLabels: { type: 'boolean' },
    honorTimestamps: { type: 'boolean' },
    trackTimestampsStaleness: { type: 'boolean' },
    followRedirects: { type: 'boolean' },
    enableHttp2: { type: 'boolean' },
    filterRunning: { type: 'boolean' },
    proxyUrl: { type: 'string', pattern: '^(http|https|socks5)://.+$' },
    authorization: { type: 'object' },
    basicAuth: { type: 'object' },
    oauth2: { type: 'object' },
    tlsConfig: { type: 'object' },
    relabelings: RELABEL_CONFIGS,
    metricRelabelings: RELABEL_CONFIGS,
  },
};

const SERVICE_MONITOR = {
  type: 'object',
  required: ['apiVersion', 'kind', 'metadata', 'spec'],
  additionalProperties: false,
  properties: {
    apiVersion: { const: 'monitoring.coreos.com/v1' },
    kind: { const: 'ServiceMonitor' },
    metadata: OBJECT_META,
    spec: {
      type: 'object',
      required: ['endpoints', 'selector'],
      additionalProperties: false,
      properties: {
        endpoints: { type: 'array', items: ENDPOINT },
        selector: LABEL_SELECTOR,
        namespaceSelector: {
          type: 'object',
          additionalProperties: false,
          properties: { any: { type: 'boolean' }, matchNames: STRINGS },
        },
        jobLabel: { type: 'string' },
        targetLabels: STRINGS,
        podTargetLabels: STRINGS,
        sampleLimit: { type: 'integer' },
        targetLimit: { type: 'integer' },
        labelLimit: { type: 'integer' },
        scrapeClass: { type: 'string', minLength: 1 },
      },
    },
  },
};

const RULE = {
  type: 'object',
  required: ['expr'],
  additionalProperties: false,
  // "Only one of `record` and `alert` must be set" (the operator's admission webhook enforces it).
  oneOf: [{ required: ['alert'] }, { required: ['record'] }],
  properties: {
    alert: { type: 'string' },
    record: { type: 'string' },
    expr: { anyOf: [{ type: 'integer' }, { type: 'string' }] },
    for: DURATION,
    keep_firing_for: { ...DURATION, minLength: 1 },
    labels: STRING_MAP,
    annotations: STRING_MAP,
  },
};

const PROMETHEUS_RULE = {
  type: 'object',
  required: ['apiVersion', 'kind', 'metadata', 'spec'],
  additionalProperties: false,
  properties: {
    apiVersion: { const: 'monitoring.coreos.com/v1' },
    kind: { const: 'PrometheusRule' },
    metadata: OBJECT_META,
    spec: {
      type: 'object',
      additionalProperties: false,
      properties: {
        groups: {
          type: 'array',
          items: {
            type: 'object',
            required: ['name'],
            additionalProperties: false,
            properties: {
              name: { type: 'string', minLength: 1 },
              interval: DURATION,
              query_offset: DURATION,
              limit: { type: 'integer' },
              labels: STRING_MAP,
              partial_response_strategy: { type: 'string' },
              rules: { type: 'array', items: RULE },
            },
          },
        },
      },
    },
  },
};

const ajv = new Ajv({ allErrors: true });
const validators: Record<string, ValidateFunction> = {
  ServiceMonitor: ajv.compile(SERVICE_MONITOR),
  PrometheusRule: ajv.compile(PROMETHEUS_RULE),
};

/** The violations of a monitoring.coreos.com/v1 object, or null when its kind has no schema here. */
export function prometheusOperatorViolations(object: { kind: string }): string[] | null {
  const validate = validators[object.kind];
  if (validate === undefined) return null;
  if (validate(object)) return [];
  return (validate.errors ?? []).map((error) => `${error.instancePath || '/'} ${error.message ?? ''}`.trim());
}
