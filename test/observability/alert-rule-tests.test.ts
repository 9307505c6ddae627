import * as fs from 'fs';
import * as path from 'path';
import { parse, parseAllDocuments } from 'yaml';
import { PROJECT_ROOT } from '../../lib/core/paths';

// The promtool unit tests (run for real by `npm run test:validators`) must cover every alert we ship, both ways: this
// check needs no Go, so an alert added without its unit tests fails `npm test` already.
const UNIT_TESTS = path.join(PROJECT_ROOT, 'test-validators', 'promtool', 'alert-rules.test.yaml');

function shippedAlerts(): string[] {
  const file = path.join(PROJECT_ROOT, 'dist', '30-observability.18-prometheus.yaml');
  const cm = parseAllDocuments(fs.readFileSync(file, 'utf8')).map((d) => d.toJSON())
    .find((o) => o?.kind === 'ConfigMap' && o.metadata.name === 'prometheus-rules');
  const groups = Object.values(cm.data as Record<string, string>).flatMap((text) => parse(text).groups);
  return [...new Set(groups.flatMap((g: { rules: Array<{ alert?: string }> }) => g.rules.map((r) => r.alert).filter(Boolean) as string[]))].sort();
}

describe('promtool unit tests for the alert rules', () => {
  const unit = parse(fs.readFileSync(UNIT_TESTS, 'utf8'));
  const cases: Array<{ alertname: string; exp_alerts?: unknown[] }> = unit.tests.flatMap((t: { alert_rule_test?: unknown[] }) => t.alert_rule_test ?? []);

  test('load the rule file the Prometheus pod loads', () => {
    expect(unit.rule_files).toEqual(['platform-kit.yaml']);
  });

  test('every shipped alert has a case where it fires and one where it must not', () => {
    const alerts = shippedAlerts();
    expect(alerts.length).toBeGreaterThan(10);
    const fires = new Set(cases.filter((c) => (c.exp_alerts ?? []).length > 0).map((c) => c.alertname));
    const quiet = new Set(cases.filter((c) => (c.exp_alerts ?? []).length === 0).map((c) => c.alertname));
    expect(alerts.filter((a) => !fires.has(a))).toEqual([]);
    expect(alerts.filter((a) => !quiet.has(a))).toEqual([]);
  });

  test('test no alert that is not shipped', () => {
    const alerts = new Set(shippedAlerts());
    expect([...new Set(cases.map((c) => c.alertname))].filter((a) => !alerts.has(a))).toEqual([]);
  });
});
