import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { CronExpressionParser } from 'cron-parser';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { parse } from 'yaml';

// The Grafana dashboard and the Prometheus rules in monitoring/ may only use metrics the services
// really expose: a renamed or removed metric must fail here, not silently empty a panel or an alert.
// The names come from the metrics.counter/gauge/histogram({ name, labelNames }) calls in the
// production sources (specs and test helpers excluded) and from prom-client's default metrics.

const ROOT = join(__dirname, '..', '..');
const DASHBOARD_PATH = 'monitoring/grafana/cloudphone-overview.dashboard.json';
const RULES_PATH = 'monitoring/prometheus/cloudphone.rules.yaml';
const ALLOCATION_MODULE = 'apps/device-service/src/modules/allocations';
const DATASOURCE_UID = '${datasource}';
/** Series names the checks treat as application metrics (the rest: functions, labels, `up`, ...). */
const APPLICATION_METRIC = /^(cloudphone_|http_request_duration_seconds)/;
const DEFAULT_METRIC = /^(process_|nodejs_)/;
/**
 * Labels Prometheus puts on every series from the scrape target. A metric label of the same name
 * would be renamed exported_job / exported_instance (or, with honor_labels, hide the target's).
 */
const TARGET_LABELS = ['job', 'instance'];
const SEVERITIES = ['critical', 'warning', 'info'];
const RULE_KEYS = ['alert', 'record', 'expr', 'for', 'keep_firing_for', 'labels', 'annotations'];
/** A job must succeed at least this often before an alert: max(3 × its period, 15 minutes). */
const MIN_STALENESS_SECONDS = 15 * 60;

type MetricType = 'counter' | 'gauge' | 'histogram' | 'summary';

interface RegisteredMetric {
  name: string;
  type: MetricType;
  labels: string[];
  file: string;
}

interface Panel {
  id?: unknown;
  type?: string;
  title?: string;
  datasource?: { type?: string; uid?: string } | null;
  gridPos?: { x?: unknown; y?: unknown; w?: unknown; h?: unknown };
  targets?: Array<{ refId?: string; expr?: unknown; datasource?: { uid?: string } }>;
  panels?: Panel[];
}

interface Dashboard {
  uid?: string;
  title?: string;
  schemaVersion?: number;
  templating?: {
    list?: Array<{ name?: string; type?: string; query?: unknown; datasource?: { uid?: string } }>;
  };
  panels?: Panel[];
}

interface Rule {
  alert?: string;
  record?: string;
  expr?: unknown;
  for?: unknown;
  labels?: Record<string, unknown>;
  annotations?: Record<string, unknown>;
}

interface RuleFile {
  groups?: Array<{ name?: string; rules?: Rule[] }>;
}

/** One PromQL expression and where it comes from, for failure messages. */
interface Expression {
  where: string;
  expr: string;
}

function productionSources(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) {
      const helpers = relative(ROOT, path) === join('libs', 'shared', 'src', 'testing');
      return entry.name === 'node_modules' || helpers ? [] : productionSources(path);
    }
    return entry.name.endsWith('.ts') && !/\.(spec|int-spec|e2e-spec)\.ts$/.test(entry.name) ? [path] : [];
  });
}

function sourceRoots(): string[] {
  const apps = readdirSync(join(ROOT, 'apps'), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => join(ROOT, 'apps', entry.name, 'src'))
    .filter((directory) => existsSync(directory));
  return [join(ROOT, 'libs', 'shared', 'src'), ...apps];
}

/** Labels MetricsService puts on every metric of an app (its registry's default labels). */
function defaultLabels(): string[] {
  const source = readFileSync(join(ROOT, 'libs', 'shared', 'src', 'metrics', 'metrics.service.ts'), 'utf8');
  const labels = /setDefaultLabels\(\s*\{([^}]*)\}/.exec(source)?.[1] ?? '';
  return [...labels.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)\s*:/g)].map((match) => match[1]);
}

function registeredMetrics(): RegisteredMetric[] {
  const found: RegisteredMetric[] = [];
  const call =
    /(?:\.(counter|gauge|histogram|summary)|new (Counter|Gauge|Histogram|Summary))\(\s*\{([\s\S]*?)\}\s*\)/g;
  for (const file of sourceRoots().flatMap((root) => productionSources(root))) {
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(call)) {
      const name = /\bname:\s*'([a-zA-Z_:][a-zA-Z0-9_:]*)'/.exec(match[3])?.[1];
      if (name === undefined) continue; // MetricsService's own generic `new Counter({ ...config })`
      const labelList = /\blabelNames:\s*\[([^\]]*)\]/.exec(match[3])?.[1] ?? '';
      found.push({
        name,
        type: (match[1] ?? match[2].toLowerCase()) as MetricType,
        labels: [...labelList.matchAll(/'([^']+)'/g)].map((label) => label[1]),
        file: relative(ROOT, file),
      });
    }
  }
  return found;
}

async function defaultMetrics(): Promise<Array<{ name: string; type: MetricType; labels: string[] }>> {
  // What MetricsService's constructor registers on every app's registry.
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const metrics = await registry.getMetricsAsJSON();
  return metrics.map((metric) => ({
    name: metric.name,
    type: String(metric.type) as MetricType,
    labels: [...new Set(metric.values.flatMap((value) => Object.keys(value.labels)))],
  }));
}

/** A series Prometheus scrapes: the metric it belongs to, its labels, and whether it only goes up. */
interface Series {
  metric: string;
  labels: string[];
  counterLike: boolean;
}

/** Every series name the metrics are exposed under (histograms as _bucket, _sum and _count only). */
function exposedSeries(
  metrics: Array<{ name: string; type: MetricType; labels: string[] }>,
): Map<string, Series> {
  const series = new Map<string, Series>();
  const defaults = defaultLabels();
  for (const { name, type, labels } of metrics) {
    const all = [...defaults, ...labels];
    if (type === 'histogram')
      series.set(`${name}_bucket`, { metric: name, labels: [...all, 'le'], counterLike: true });
    if (type === 'summary')
      series.set(name, { metric: name, labels: [...all, 'quantile'], counterLike: false });
    if (type === 'histogram' || type === 'summary') {
      series.set(`${name}_sum`, { metric: name, labels: all, counterLike: true });
      series.set(`${name}_count`, { metric: name, labels: all, counterLike: true });
    } else {
      series.set(name, { metric: name, labels: all, counterLike: type === 'counter' });
    }
  }
  return series;
}

/** The expression without string literals and Grafana variables, so names are not read from values. */
function stripped(expr: string): string {
  return expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, '""')
    .replace(/\$\{?[a-zA-Z_][a-zA-Z0-9_]*\}?/g, '1m');
}

function seriesNames(expr: string): string[] {
  const names = stripped(expr).match(/[a-zA-Z_:][a-zA-Z0-9_:]*/g) ?? [];
  return [
    ...new Set(
      names.filter(
        (name) => APPLICATION_METRIC.test(name) || DEFAULT_METRIC.test(name) || name.includes(':'),
      ),
    ),
  ];
}

/** `metric{label="..", ...}` selectors with the label names they match on. */
function selectors(expr: string): Array<{ name: string; labels: string[] }> {
  return [...stripped(expr).matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)\s*\{([^}]*)\}/g)].map((match) => ({
    name: match[1],
    labels: [...match[2].matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)\s*(?:=~|!~|!=|=)/g)].map((label) => label[1]),
  }));
}

/** The argument text of every call of `fn(`, parentheses balanced. */
function callArguments(expr: string, fn: string): string[] {
  const args: string[] = [];
  const text = stripped(expr);
  for (const match of text.matchAll(new RegExp(`\\b${fn}\\s*\\(`, 'g'))) {
    let depth = 1;
    let index = (match.index ?? 0) + match[0].length;
    const start = index;
    while (index < text.length && depth > 0) {
      if (text[index] === '(') depth += 1;
      if (text[index] === ')') depth -= 1;
      index += 1;
    }
    args.push(text.slice(start, index - 1));
  }
  return args;
}

function balanced(expr: string): boolean {
  const pairs: Record<string, string> = { ')': '(', ']': '[', '}': '{' };
  const stack: string[] = [];
  for (const char of stripped(expr)) {
    if ('([{'.includes(char)) stack.push(char);
    else if (char in pairs && stack.pop() !== pairs[char]) return false;
  }
  return stack.length === 0;
}

function allPanels(panels: Panel[]): Panel[] {
  return panels.flatMap((panel) => [panel, ...allPanels(panel.panels ?? [])]);
}

/** Longest gap between consecutive fire times over the next 100 ticks, in seconds. */
function periodSeconds(expression: string): number {
  const schedule = CronExpressionParser.parse(expression, {
    currentDate: new Date('2025-01-01T00:00:00Z'),
    tz: 'UTC',
  });
  let previous = schedule.next().getTime();
  let longest = 0;
  for (let tick = 0; tick < 100; tick += 1) {
    const next = schedule.next().getTime();
    longest = Math.max(longest, next - previous);
    previous = next;
  }
  return longest / 1000;
}

function cronJobs(): Array<{ name: string; expression: string; file: string }> {
  const jobs: Array<{ name: string; expression: string; file: string }> = [];
  const unreadable: string[] = [];
  for (const file of sourceRoots().flatMap((root) => productionSources(root))) {
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(/^\s*@ClusterSafeCron\(([\s\S]*?)\)\s*$/gm)) {
      const literal = /^\s*'([^']+)'\s*,\s*\{[\s\S]*?\bname:\s*'([^']+)'/.exec(match[1]);
      if (literal) jobs.push({ expression: literal[1], name: literal[2], file: relative(ROOT, file) });
      else unreadable.push(`${relative(ROOT, file)}: @ClusterSafeCron(${match[1].trim().slice(0, 80)}`);
    }
  }
  // The staleness check below needs each job's literal schedule and name.
  expect(unreadable).toEqual([]);
  return jobs;
}

describe('monitoring artifacts', () => {
  const dashboard = JSON.parse(readFileSync(join(ROOT, DASHBOARD_PATH), 'utf8')) as Dashboard;
  const rules = parse(readFileSync(join(ROOT, RULES_PATH), 'utf8')) as RuleFile;
  const panels = allPanels(dashboard.panels ?? []);
  const queryPanels = panels.filter((panel) => panel.type !== 'row');
  const ruleList = (rules.groups ?? []).flatMap((group) => group.rules ?? []);
  const recorded = new Set(ruleList.flatMap((rule) => (rule.record ? [rule.record] : [])));

  const dashboardExpressions: Expression[] = queryPanels.flatMap((panel) =>
    (panel.targets ?? []).map((target) => ({
      where: `${DASHBOARD_PATH}: panel ${String(panel.id)} "${panel.title}" target ${target.refId}`,
      expr: String(target.expr),
    })),
  );
  const ruleExpressions: Expression[] = ruleList.map((rule) => ({
    where: `${RULES_PATH}: ${rule.alert ? `alert ${rule.alert}` : `record ${rule.record}`}`,
    expr: String(rule.expr),
  }));
  const expressions = [...dashboardExpressions, ...ruleExpressions];

  let series: Map<string, Series>;
  let registered: RegisteredMetric[];

  beforeAll(async () => {
    registered = registeredMetrics();
    series = exposedSeries([...registered, ...(await defaultMetrics())]);
  });

  describe('dashboard', () => {
    it('is a Grafana dashboard with a Prometheus data source variable and a service variable', () => {
      expect(dashboard.uid).toBeTruthy();
      expect(dashboard.title).toBeTruthy();
      expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(36);
      const variables = dashboard.templating?.list ?? [];
      expect(variables.find((variable) => variable.name === 'datasource')).toMatchObject({
        type: 'datasource',
        query: 'prometheus',
      });
      expect(variables.find((variable) => variable.name === 'service')).toMatchObject({
        type: 'query',
        datasource: { uid: DATASOURCE_UID },
      });
    });

    it('has panels with unique ids and a grid position inside the 24-column grid, none overlapping', () => {
      expect(queryPanels.length).toBeGreaterThan(0);
      const ids = panels.map((panel) => panel.id);
      expect(ids.every((id) => Number.isInteger(id))).toBe(true);
      expect(new Set(ids).size).toBe(ids.length);
      const badPositions = panels.filter(({ gridPos }) => {
        const values = [gridPos?.x, gridPos?.y, gridPos?.w, gridPos?.h];
        if (!values.every((value) => Number.isInteger(value) && (value as number) >= 0)) return true;
        const [x, , w, h] = values as number[];
        return w < 1 || h < 1 || x + w > 24;
      });
      expect(badPositions.map((panel) => panel.title)).toEqual([]);

      const top = (dashboard.panels ?? []).map((panel) => ({
        title: panel.title,
        ...(panel.gridPos as { x: number; y: number; w: number; h: number }),
      }));
      const overlaps = top.flatMap((a, i) =>
        top
          .slice(i + 1)
          .filter((b) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h)
          .map((b) => `${a.title} / ${b.title}`),
      );
      expect(overlaps).toEqual([]);
    });

    it('queries the selected Prometheus data source with at least one expression per panel', () => {
      const problems = queryPanels.flatMap((panel) => {
        const name = `panel ${String(panel.id)} "${panel.title}"`;
        const issues: string[] = [];
        if (panel.datasource?.type !== 'prometheus' || panel.datasource.uid !== DATASOURCE_UID)
          issues.push(`${name}: datasource`);
        const targets = panel.targets ?? [];
        if (targets.length === 0) issues.push(`${name}: no targets`);
        if (new Set(targets.map((target) => target.refId)).size !== targets.length)
          issues.push(`${name}: duplicate refId`);
        for (const target of targets) {
          if (typeof target.expr !== 'string' || target.expr.trim() === '')
            issues.push(`${name} ${target.refId}: no expr`);
          if (target.datasource && target.datasource.uid !== DATASOURCE_UID)
            issues.push(`${name} ${target.refId}: datasource`);
        }
        return issues;
      });
      expect(problems).toEqual([]);
    });

    it('filters every application metric on the $service variable', () => {
      const unfiltered = dashboardExpressions.flatMap(({ where, expr }) =>
        [...expr.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(\{[^}]*\})?/g)]
          .filter(
            (match) => APPLICATION_METRIC.test(match[1]) && !/service=~"\$service"/.test(match[2] ?? ''),
          )
          .map((match) => `${where}: ${match[1]}`),
      );
      expect(unfiltered).toEqual([]);
    });
  });

  describe('rules', () => {
    it('are groups of alerting and recording rules with the fields Prometheus and on-call need', () => {
      const groups = rules.groups ?? [];
      expect(groups.length).toBeGreaterThan(0);
      const groupNames = groups.map((group) => group.name);
      expect(groupNames.every((name) => typeof name === 'string' && name.length > 0)).toBe(true);
      expect(new Set(groupNames).size).toBe(groupNames.length);

      const problems = groups.flatMap((group) => {
        if (!Array.isArray(group.rules) || group.rules.length === 0) return [`group ${group.name}: no rules`];
        return group.rules.flatMap((rule, index) => {
          const name = `group ${group.name} rule ${rule.alert ?? rule.record ?? index}`;
          const issues = Object.keys(rule)
            .filter((key) => !RULE_KEYS.includes(key))
            .map((key) => `${name}: unknown key ${key}`);
          if (typeof rule.expr !== 'string' || rule.expr.trim() === '') issues.push(`${name}: no expr`);
          if ((rule.alert === undefined) === (rule.record === undefined))
            issues.push(`${name}: needs alert or record`);
          if (rule.record !== undefined && !/^[a-zA-Z_][a-zA-Z0-9_]*:[a-zA-Z0-9_:]+$/.test(rule.record)) {
            issues.push(`${name}: record name should be level:metric:operations`);
          }
          if (rule.alert !== undefined) {
            if (!/^[A-Z][A-Za-z0-9]+$/.test(rule.alert))
              issues.push(`${name}: alert name should be CamelCase`);
            if (typeof rule.for !== 'string' || !/^\d+[smhdwy]$/.test(rule.for)) issues.push(`${name}: for`);
            if (!SEVERITIES.includes(String(rule.labels?.severity))) issues.push(`${name}: labels.severity`);
            for (const annotation of ['summary', 'description']) {
              const text = rule.annotations?.[annotation];
              if (typeof text !== 'string' || text.trim() === '')
                issues.push(`${name}: annotations.${annotation}`);
            }
          }
          return issues;
        });
      });
      expect(problems).toEqual([]);
    });

    it('has a no-recent-success alert covering every cron job, with a threshold of max(3 periods, 15 min)', () => {
      const staleness = ruleList.flatMap((rule) => {
        const expr = String(rule.expr);
        const matcher = /cloudphone_cron_last_success_timestamp_seconds\{cron_job(=~|!~)"([^"]*)"\}/.exec(
          expr,
        );
        if (!rule.alert || !/^\s*time\(\)\s*-/.test(expr) || !matcher) return [];
        const threshold = /\)\s*>\s*([\d.]+(?:\s*\*\s*[\d.]+)*)\s*$/.exec(expr.trim())?.[1] ?? 'NaN';
        return [
          {
            alert: rule.alert,
            negated: matcher[1] === '!~',
            names: matcher[2].split('|'),
            matches: new RegExp(`^(?:${matcher[2]})$`),
            seconds: threshold.split('*').reduce((product, factor) => product * Number(factor), 1),
          },
        ];
      });
      expect(staleness.length).toBeGreaterThan(0);
      // The threshold must be a plain `> N` (or `> N * M`) at the end of the expression.
      expect(
        staleness.filter((alert) => !Number.isFinite(alert.seconds)).map((alert) => alert.alert),
      ).toEqual([]);

      const jobs = cronJobs();
      expect(jobs.length).toBeGreaterThan(0);
      const jobNames = new Set(jobs.map((job) => job.name));
      const problems = staleness.flatMap((alert) =>
        alert.names
          .filter((name) => !jobNames.has(name))
          .map((name) => `${alert.alert} names unknown job ${name}`),
      );
      for (const job of jobs) {
        const covering = staleness.filter((alert) => alert.matches.test(job.name) !== alert.negated);
        const required = Math.max(3 * periodSeconds(job.expression), MIN_STALENESS_SECONDS);
        const where = `${job.name} ('${job.expression}', ${job.file})`;
        if (covering.length !== 1) {
          problems.push(
            `${where}: covered by ${covering.length} staleness alerts (${covering.map((a) => a.alert).join(', ')})`,
          );
        } else if (covering[0].seconds < required || covering[0].seconds > 2 * required) {
          problems.push(
            `${where}: ${covering[0].alert} fires after ${covering[0].seconds} s, expected about ${required} s; ` +
              `list the job in the alert of its period in ${RULES_PATH}`,
          );
        }
      }
      expect(problems).toEqual([]);
    });
  });

  describe('metrics used', () => {
    it('finds the registered metrics in the sources, labelled by service', () => {
      // The dashboard's $service variable and the rules' `by (service)` rely on this default label;
      // `instance` (the replica) and `job` come from the scrape target, so the services set neither.
      expect(defaultLabels()).toEqual(['service']);
      const clashes = registered.flatMap((metric) =>
        metric.labels
          .filter((label) => TARGET_LABELS.includes(label))
          .map((label) => `${metric.name}{${label}} (${metric.file})`),
      );
      expect(clashes).toEqual([]);
      const names = registered.map((metric) => metric.name);
      expect(names).toEqual(
        expect.arrayContaining(['http_request_duration_seconds', 'cloudphone_cron_runs_total']),
      );
      const duplicates = registered.filter((metric, index) =>
        registered.some(
          (other, before) => before < index && other.name === metric.name && other.type !== metric.type,
        ),
      );
      expect(duplicates).toEqual([]);
    });

    it('has balanced brackets in every expression', () => {
      expect(expressions.filter(({ expr }) => !balanced(expr)).map(({ where }) => where)).toEqual([]);
    });

    it('uses only metrics the services register, and recorded series the rules define', () => {
      const unknown = expressions.flatMap(({ where, expr }) =>
        seriesNames(expr)
          .filter((name) => (name.includes(':') ? !recorded.has(name) : !series.has(name)))
          .map((name) => {
            const histogram = series.has(`${name}_bucket`)
              ? ' (a histogram: use _bucket, _sum or _count)'
              : '';
            return `${where}: ${name}${histogram}`;
          }),
      );
      expect(unknown).toEqual([]);
    });

    it('matches only on labels the metrics have', () => {
      const unknown = expressions.flatMap(({ where, expr }) =>
        selectors(expr).flatMap(({ name, labels }) => {
          const known = series.get(name);
          if (!known || !APPLICATION_METRIC.test(name)) return [];
          return labels
            .filter((label) => !known.labels.includes(label))
            .map((label) => `${where}: ${name}{${label}}`);
        }),
      );
      expect(unknown).toEqual([]);
    });

    it('takes rate() and increase() of counters only, and quantiles of histogram buckets', () => {
      const misuse = expressions.flatMap(({ where, expr }) => [
        ...[...stripped(expr).matchAll(/\b(rate|irate|increase)\(\s*([a-zA-Z_:][a-zA-Z0-9_:]*)/g)]
          .filter((match) => series.get(match[2])?.counterLike === false)
          .map((match) => `${where}: ${match[1]}(${match[2]}) of a gauge`),
        ...callArguments(expr, 'histogram_quantile')
          .filter((argument) => !/_bucket\b/.test(argument))
          .map(() => `${where}: histogram_quantile without a _bucket series`),
      ]);
      expect(misuse).toEqual([]);
    });

    it(`shows every metric registered in ${ALLOCATION_MODULE} on the dashboard`, () => {
      const moduleFiles = `${ALLOCATION_MODULE.split('/').join(sep)}${sep}`;
      const schedulerMetrics = registered.filter((metric) => metric.file.startsWith(moduleFiles));
      expect(schedulerMetrics.map((metric) => metric.name)).toEqual(
        expect.arrayContaining([
          'cloudphone_allocation_requests_total',
          'cloudphone_allocation_duration_seconds',
        ]),
      );
      const shown = new Set(
        dashboardExpressions.flatMap(({ expr }) =>
          seriesNames(expr).flatMap((name) => series.get(name)?.metric ?? []),
        ),
      );
      const missing = schedulerMetrics
        .filter((metric) => !shown.has(metric.name))
        .map((metric) => `${metric.name} (${metric.file})`);
      expect(missing).toEqual([]);
    });
  });
});
