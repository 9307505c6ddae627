import { Chart } from 'cdk8s';
import { ApiServerEndpoints } from '../../lib/observability/common';
import { Alertmanager } from '../../lib/observability/alertmanager';
import { Loki } from '../../lib/observability/loki';
import { Prometheus } from '../../lib/observability/prometheus';
import { find, testChart } from '../support/helpers';

/** One control-plane address, as `apiServerOf()` gives for a one-control-plane cluster. */
export const API: ApiServerEndpoints = { addresses: ['10.0.0.1'], port: 6443 };

/** Renders what `build` adds to a fresh chart. */
export function render(build: (chart: Chart) => void): any[] {
  const chart = testChart();
  build(chart);
  return chart.toJson();
}

/** The pod template spec of a workload found by kind and name. */
export function podSpec(objects: readonly any[], kind: string, name: string): any {
  return find(objects, kind, name).spec.template.spec;
}

/** The one container of a workload. */
export function container(objects: readonly any[], kind: string, name: string): any {
  const containers = podSpec(objects, kind, name).containers;
  if (containers.length !== 1) throw new Error(`expected one container in ${kind}/${name}, found ${containers.length}`);
  return containers[0];
}

/** The restricted container hardening every non-exempt component must carry. */
export const RESTRICTED_CONTAINER = {
  runAsNonRoot: true,
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  capabilities: { drop: ['ALL'] },
  seccompProfile: { type: 'RuntimeDefault' },
};

/** A Loki, an Alertmanager and a Prometheus in a chart, for components that need them as props. */
export function backends(chart: Chart): { loki: Loki; alertmanager: Alertmanager; prometheus: Prometheus } {
  const loki = new Loki(chart, 'Loki');
  const alertmanager = new Alertmanager(chart, 'Alertmanager');
  const prometheus = new Prometheus(chart, 'Prometheus', { alertmanager, apiServer: API });
  return { loki, alertmanager, prometheus };
}
