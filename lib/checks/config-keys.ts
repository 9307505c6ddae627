import { PlatformConfig } from '../config/platform-config';

/**
 * Which platform.yaml key fixes a check failure: a failed check names the key to change (`tenants[0].quota.pods`,
 * `apps[1].autoscaling.maxReplicas`), not only the Kubernetes object. Only the sections whose keys a person sets per
 * namespace or per workload (tenants, apps, cluster.nodes) are mapped; a platform namespace's quota and limits are
 * computed from its pod templates, so there the component's resources are the key.
 */
export interface ConfigKeys {
  /** `tenants[0]` for a tenant namespace; undefined for any other. */
  tenant(namespace: string): string | undefined;
  /** `apps[0]` for the workload an app entry creates; undefined for any other. */
  app(namespace: string, name: string): string | undefined;
  /** The key that sets an app's largest pod count: `apps[0].replicas` or `apps[0].autoscaling.maxReplicas`. */
  appReplicas(namespace: string, name: string): string | undefined;
  /** The app entry that declares a node port; undefined when none. */
  appWithNodePort(namespace: string): string | undefined;
}

/** Checks run without a config (unit tests of one check) name no keys. */
export const NO_CONFIG_KEYS: ConfigKeys = { tenant: () => undefined, app: () => undefined, appReplicas: () => undefined, appWithNodePort: () => undefined };

/** ResourceQuota `spec.hard` key → the field of `tenants[i].quota` that sets it. */
export const QUOTA_FIELDS: Readonly<Record<string, string>> = {
  'requests.cpu': 'cpu',
  'requests.memory': 'memory',
  'limits.cpu': 'limitsCpu',
  'limits.memory': 'limitsMemory',
  'pods': 'pods',
  'persistentvolumeclaims': 'persistentVolumeClaims',
  'requests.storage': 'storage',
  'services.nodeports': 'nodePorts',
  'services.loadbalancers': 'loadBalancers',
};

export function configKeysOf(config: Pick<PlatformConfig, 'tenants' | 'apps'>): ConfigKeys {
  const tenants = new Map(config.tenants.map((t, i) => [t.name, `tenants[${i}]`]));
  const apps = new Map(config.apps.map((a, i) => [`${a.tenant}/${a.name}`, `apps[${i}]`]));
  const replicas = new Map(config.apps.map((a, i) => [`${a.tenant}/${a.name}`, `apps[${i}].${a.autoscaling ? 'autoscaling.maxReplicas' : 'replicas'}`]));
  const nodePorts = new Map<string, string>();
  config.apps.forEach((a, i) => {
    if (a.nodePort !== undefined && !nodePorts.has(a.tenant)) nodePorts.set(a.tenant, `apps[${i}].nodePort`);
  });
  return {
    tenant: (namespace) => tenants.get(namespace),
    app: (namespace, name) => apps.get(`${namespace}/${name}`),
    appReplicas: (namespace, name) => replicas.get(`${namespace}/${name}`),
    appWithNodePort: (namespace) => nodePorts.get(namespace),
  };
}
