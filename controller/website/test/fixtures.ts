/** A valid configuration and Website for the tests, and a fake WebsiteClient that records what it is sent. */
import type { V1Deployment, V1Service } from '@kubernetes/client-node';
import { ApiError, type WebsiteClient } from '../src/client';
import { loadConfig, type ControllerConfig } from '../src/config';
import type { Website, WebsiteStatus } from '../src/website';

export const RESOURCES = {
  nginx: { requests: { cpu: '10m', memory: '16Mi' }, limits: { cpu: '100m', memory: '64Mi' } },
  gitSync: { requests: { cpu: '10m', memory: '32Mi' }, limits: { memory: '128Mi' } },
};

export const ENV: NodeJS.ProcessEnv = {
  POD_NAMESPACE: 'website',
  POD_NAME: 'website-controller-7d9f-abcde',
  WEBSITE_NAMESPACES: 'demo,shop',
  WEBSITE_NGINX_IMAGE: 'nginxinc/nginx-unprivileged:1.30.4-alpine',
  WEBSITE_GIT_SYNC_IMAGE: 'registry.k8s.io/git-sync/git-sync:v4.4.2',
  WEBSITE_POD_RESOURCES: JSON.stringify(RESOURCES),
  WEBSITE_EXPOSED: 'demo/xxhf',
};

export function config(overrides: NodeJS.ProcessEnv = {}): ControllerConfig {
  return loadConfig({ ...ENV, ...overrides });
}

export function website(overrides: { name?: string; namespace?: string; generation?: number; spec?: Partial<Website['spec']>; status?: WebsiteStatus; deletionTimestamp?: string } = {}): Website {
  return {
    apiVersion: 'extensions.example.com/v1',
    kind: 'Website',
    metadata: {
      name: overrides.name ?? 'xxhf',
      namespace: overrides.namespace ?? 'demo',
      uid: '6f1c1e0e-3d5b-4a57-9a8e-1b2c3d4e5f60',
      generation: overrides.generation ?? 1,
      ...(overrides.deletionTimestamp ? { deletionTimestamp: overrides.deletionTimestamp } : {}),
    },
    spec: { gitRepo: 'https://github.com/example/xxhf.git', ...overrides.spec },
    ...(overrides.status ? { status: overrides.status } : {}),
  };
}

/**
 * An API server in memory: stores Websites, "applies" by storing the object and bumping its generation when the
 * spec changed, and lets a test set a Deployment's status or make the next applies fail.
 */
export class FakeClient implements WebsiteClient {
  readonly websites = new Map<string, Website>();
  readonly deployments = new Map<string, V1Deployment>();
  readonly services = new Map<string, V1Service>();
  readonly applied: { kind: string; object: unknown }[] = [];
  readonly statusPatches: { key: string; status: WebsiteStatus }[] = [];
  applyError: Error | undefined;
  statusError: Error | undefined;

  put(w: Website): void {
    this.websites.set(`${w.metadata.namespace}/${w.metadata.name}`, w);
  }

  async getWebsite(namespace: string, name: string): Promise<Website | undefined> {
    return this.websites.get(`${namespace}/${name}`);
  }

  async applyDeployment(deployment: V1Deployment): Promise<V1Deployment> {
    this.applied.push({ kind: 'Deployment', object: deployment });
    if (this.applyError) throw this.applyError;
    const key = `${deployment.metadata!.namespace}/${deployment.metadata!.name}`;
    const old = this.deployments.get(key);
    const changed = old === undefined || JSON.stringify(old.spec) !== JSON.stringify(deployment.spec);
    const generation = (old?.metadata?.generation ?? 0) + (changed ? 1 : 0);
    const stored: V1Deployment = { ...deployment, metadata: { ...deployment.metadata, generation }, status: old?.status ?? {} };
    this.deployments.set(key, stored);
    return stored;
  }

  async applyService(service: V1Service): Promise<V1Service> {
    this.applied.push({ kind: 'Service', object: service });
    if (this.applyError) throw this.applyError;
    this.services.set(`${service.metadata!.namespace}/${service.metadata!.name}`, service);
    return service;
  }

  async patchWebsiteStatus(namespace: string, name: string, status: WebsiteStatus): Promise<void> {
    if (this.statusError) throw this.statusError;
    const key = `${namespace}/${name}`;
    this.statusPatches.push({ key, status });
    const w = this.websites.get(key);
    if (w === undefined) throw new ApiError('websites.extensions.example.com "x" not found', 404);
    // As the API server does with a custom resource: the stored JSON comes back with its keys sorted.
    this.websites.set(key, { ...w, status: JSON.parse(JSON.stringify(status, Object.keys(flatKeys(status)).sort())) });
  }

  /** What the deployment controller would write: `ready` pods of the current generation. */
  setDeploymentStatus(key: string, ready: number, observedGeneration?: number): void {
    const d = this.deployments.get(key)!;
    this.deployments.set(key, { ...d, status: { readyReplicas: ready, observedGeneration: observedGeneration ?? d.metadata!.generation } });
  }
}

function flatKeys(value: unknown, into: Record<string, true> = {}): Record<string, true> {
  if (Array.isArray(value)) value.forEach((v) => flatKeys(v, into));
  else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) { into[k] = true; flatKeys(v, into); }
  return into;
}
