import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { repositoryRoot } from '@cloudphone/shared/testing';
import {
  GENERATE_COMMAND,
  PROMETHEUS_RULE_PATH,
  prometheusRuleManifest,
  RULES_PATH,
} from './prometheus-rule.manifest';

const read = (path: string) => readFileSync(join(repositoryRoot(), path), 'utf8');

describe('the monitoring component PrometheusRule', () => {
  it(`is what ${GENERATE_COMMAND} makes of ${RULES_PATH}`, () => {
    const committed = read(PROMETHEUS_RULE_PATH);
    // On failure: the rules changed without regenerating the PrometheusRule; run the command.
    expect(committed === prometheusRuleManifest(read(RULES_PATH))).toBe(true);
  });

  it('carries exactly the groups of the rules file', () => {
    const rules = parse(read(RULES_PATH)) as { groups: unknown[] };
    const manifest = parse(read(PROMETHEUS_RULE_PATH)) as {
      apiVersion: string;
      kind: string;
      spec: { groups: unknown[] };
    };
    expect(manifest).toMatchObject({ apiVersion: 'monitoring.coreos.com/v1', kind: 'PrometheusRule' });
    expect(manifest.spec.groups).toEqual(rules.groups);
  });

  it('needs a top-level groups key', () => {
    expect(() => prometheusRuleManifest('# only a comment\n')).toThrow(/no top-level groups/);
  });
});
