import { parser } from '@prometheus-io/lezer-promql';

/** A vector selector found in a PromQL expression: metric name and the label names it matches on. */
export interface Selector {
  readonly metric: string;
  readonly labels: readonly string[];
}

export interface PromqlAnalysis {
  /** Text of every error node (empty when the expression parses cleanly). */
  readonly errors: readonly string[];
  readonly selectors: readonly Selector[];
}

/**
 * Replace Grafana template variables with values PromQL accepts, the way Grafana interpolates
 * them before sending a query: interval macros become durations, other variables a plain value.
 */
export function interpolateGrafana(expr: string): string {
  return expr
    .replace(/\$__(rate_interval|interval|range|auto)\b/g, '5m')
    .replace(/\$\{[A-Za-z0-9_:]+\}/g, 'x')
    .replace(/\$[A-Za-z_][A-Za-z0-9_]*/g, 'x');
}

/** Parse with the Prometheus project's own lezer grammar and collect selectors from the tree. */
export function analysePromql(expr: string): PromqlAnalysis {
  const tree = parser.parse(expr);
  const errors: string[] = [];
  const selectors: Selector[] = [];
  tree.iterate({
    enter(ref) {
      if (ref.type.isError) {
        errors.push(`error node at ${ref.from}: "${expr.slice(ref.from, ref.to)}"`);
        return;
      }
      if (ref.name === 'VectorSelector') {
        const node = ref.node;
        const id = node.getChild('Identifier');
        const matchers = node.getChild('LabelMatchers');
        const labels = matchers
          ? matchers.getChildren('UnquotedLabelMatcher').map((mm) => {
              const name = mm.getChild('LabelName');
              return name ? expr.slice(name.from, name.to) : '';
            })
          : [];
        selectors.push({ metric: id ? expr.slice(id.from, id.to) : '', labels });
      }
    },
  });
  return { errors, selectors };
}

/** Metric names referenced by an expression (deduplicated, sorted). */
export function metricNames(expr: string): string[] {
  return [...new Set(analysePromql(expr).selectors.map((s) => s.metric))].sort();
}
