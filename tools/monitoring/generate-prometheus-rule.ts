import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROMETHEUS_RULE_PATH, prometheusRuleManifest, RULES_PATH } from './prometheus-rule.manifest';

// Rewrites the monitoring component's PrometheusRule from the rules file. Drift fails
// tools/monitoring/prometheus-rule.manifest.spec.ts, so CI catches a forgotten run.
const root = join(__dirname, '..', '..', '..');
writeFileSync(
  join(root, PROMETHEUS_RULE_PATH),
  prometheusRuleManifest(readFileSync(join(root, RULES_PATH), 'utf8')),
);
console.log(`wrote ${PROMETHEUS_RULE_PATH}`);
