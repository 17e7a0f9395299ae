import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { SERVICE_NAMES } from '@cloudphone/contracts';
import { repositoryRoot } from '@cloudphone/shared/testing';

// Every alert leads on-call to its runbook: a runbook_url annotation pointing at its own section of
// docs/runbooks.md, and every service is watched for vanishing from Prometheus altogether.

const RULES_PATH = 'monitoring/prometheus/cloudphone.rules.yaml';
const RUNBOOKS_PATH = 'docs/runbooks.md';
/** The one place the runbook address is spelled (also documented at the top of both files). */
const RUNBOOK_BASE = 'https://github.com/cloudphone/platform/blob/main/docs/runbooks.md#';
/** What every section must say, in this order. */
const PARTS = ['**Means**', '**Check**', '**Do**'];

interface Rule {
  alert?: string;
  expr?: unknown;
  labels?: Record<string, unknown>;
  annotations?: Record<string, unknown>;
}

/** The anchor GitHub gives a heading: lower case, punctuation dropped, spaces as hyphens. */
function githubAnchor(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/** `## heading` sections of the runbooks, by anchor. */
function runbookSections(markdown: string): Map<string, { heading: string; text: string }> {
  const sections = new Map<string, { heading: string; text: string }>();
  for (const chunk of markdown.split(/^## /m).slice(1)) {
    const [heading, ...rest] = chunk.split('\n');
    sections.set(githubAnchor(heading), { heading: heading.trim(), text: rest.join('\n') });
  }
  return sections;
}

describe('alert runbooks', () => {
  const root = repositoryRoot();
  const rules = parse(readFileSync(join(root, RULES_PATH), 'utf8')) as {
    groups: Array<{ name: string; rules: Rule[] }>;
  };
  const alerts = rules.groups.flatMap((group) => group.rules.filter((rule) => rule.alert !== undefined));
  const sections = runbookSections(readFileSync(join(root, RUNBOOKS_PATH), 'utf8'));

  it(`gives every alert a runbook_url into ${RUNBOOKS_PATH}, at its own section`, () => {
    expect(alerts.length).toBeGreaterThan(0);
    const problems = alerts.flatMap((rule) => {
      const url = rule.annotations?.runbook_url;
      const own = `${RUNBOOK_BASE}${githubAnchor(String(rule.alert))}`;
      if (typeof url !== 'string') return [`${rule.alert}: no runbook_url annotation`];
      if (url !== own) return [`${rule.alert}: runbook_url ${url}, expected ${own}`];
      if (!sections.has(url.slice(RUNBOOK_BASE.length)))
        return [`${rule.alert}: no "## ${rule.alert}" section in ${RUNBOOKS_PATH}`];
      return [];
    });
    expect(problems).toEqual([]);
  });

  it('has one complete section per alert and none for an alert that no longer exists', () => {
    const names = new Set(alerts.map((rule) => String(rule.alert)));
    const problems = [...sections.values()].flatMap(({ heading, text }) => {
      if (!names.has(heading)) return [`## ${heading}: no alert of that name in ${RULES_PATH}`];
      const positions = PARTS.map((part) => text.indexOf(part));
      const complete = positions.every(
        (position, index) => position >= 0 && position > (positions[index - 1] ?? -1),
      );
      return complete ? [] : [`## ${heading}: needs ${PARTS.join(', ')} in that order`];
    });
    expect(problems).toEqual([]);
    expect(sections.size).toBe(names.size);
  });

  it('alerts when Prometheus has no target at all for a service of SERVICE_CATALOG', () => {
    // absent() of a plain selector labels its one sample with the selector's equality matchers, so
    // the alert says which service; `up` is the only series a vanished service cannot leave behind.
    const watched = new Set(
      alerts.flatMap((rule) => {
        const match = /^\s*absent\(\s*up\s*\{\s*service\s*=\s*"([^"]+)"\s*\}\s*\)\s*$/.exec(
          String(rule.expr),
        );
        return match ? [match[1]] : [];
      }),
    );
    expect(SERVICE_NAMES.filter((service) => !watched.has(service))).toEqual([]);
    expect([...watched].filter((service) => !(SERVICE_NAMES as string[]).includes(service))).toEqual([]);
  });
});
