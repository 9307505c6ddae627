import { ApiObject, App, Chart } from 'cdk8s';
import { ControllerPods } from '../core/controller-pods';
import { UserError } from '../core/errors';
import { PlatformChart } from './platform-chart';

/** One Kubernetes object with where it came from: the unit (chart) and the component (the chart's child). */
export interface SynthesizedObject {
  readonly chart: PlatformChart;
  /** Id of the chart's direct child that created the object, e.g. `dwayne`, `Cluster`. */
  readonly component: string;
  /** Construct path, for messages. */
  readonly path: string;
  readonly manifest: any;
}

/**
 * Runs construct validations (`node.addValidation`) across the tree, then renders every chart's objects to plain
 * JSON in tree order. A failed validation is a user-facing problem that names the construct path.
 */
export function synthesizeObjects(app: App): SynthesizedObject[] {
  const problems = validateTree(app);
  if (problems.length > 0) throw new UserError('validation failed', problems);
  return collectObjects(app);
}

/** Every construct validation's message, prefixed with the construct's path (none for the App's own). */
export function validateTree(app: App): string[] {
  const problems: string[] = [];
  for (const construct of app.node.findAll()) {
    const at = construct.node.path;
    for (const message of construct.node.validate()) problems.push(at === '' ? message : `${at}: ${message}`);
  }
  return problems;
}

/** The manifests the running {@link collectObjects} has rendered so far; undefined outside one. */
let rendered: Map<ApiObject, unknown> | undefined;

/** Every unit chart's objects as plain JSON, in tree order (no validation). */
export function collectObjects(app: App): SynthesizedObject[] {
  const objects: SynthesizedObject[] = [];
  const outer = rendered;
  rendered = new Map();
  try {
    for (const chart of PlatformChart.all(app)) {
      for (const construct of chart.node.findAll()) {
        if (!(construct instanceof ApiObject) || Chart.of(construct) !== chart) continue;
        const relative = construct.node.path.slice(chart.node.path.length + 1);
        const manifest = construct.toJson();
        rendered.set(construct, manifest);
        objects.push({ chart, component: relative.split('/')[0], path: construct.node.path, manifest });
      }
    }
  } finally {
    rendered = outer;
  }
  return objects;
}

/**
 * The workloads controllers will create from the tree ({@link ControllerPods}), as manifests the checks count; never
 * written to the output.
 */
export function controllerStandIns(app: App): SynthesizedObject[] {
  return ControllerPods.all(app).map((pods) => ({
    chart: Chart.of(pods) as PlatformChart,
    component: pods.node.path.slice(Chart.of(pods).node.path.length + 1).split('/')[0],
    path: `${pods.node.path} (created at run time by ${pods.madeBy})`,
    manifest: pods.toManifest(),
  }));
}

/**
 * An object's manifest, as `toJson()` gives it. Inside {@link collectObjects} (Lazy values are produced there) an
 * object that pass has already rendered is not rendered again: an Argo CD Application sizing the objects of its unit
 * would otherwise render every object of the platform a second time. Nothing changes the tree while it renders.
 */
export function manifestOf(object: ApiObject): unknown {
  return rendered?.get(object) ?? object.toJson();
}
