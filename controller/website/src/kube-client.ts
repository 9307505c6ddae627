/**
 * The adapters onto @kubernetes/client-node: the WebsiteClient of reconcile.ts, the LeaseApi of the leader elector
 * and the informers. The only module that loads client-node at run time (an ES module, which Node >= 20.19 loads
 * through require); unit tests never load it, the cluster tier runs it against a real API server.
 */
import * as k8s from '@kubernetes/client-node';
import { ApiError, type WebsiteClient } from './client';
import { FIELD_MANAGER, GROUP, LABEL_MANAGED_BY, PLURAL, VERSION } from './contract';
import type { LeaseApi, LeaseRecord, StoredLease } from './leader-election';
import type { WatchSource } from './watch-source';
import type { Website, WebsiteStatus } from './website';

/** In-cluster (the pod's ServiceAccount token) by default; the kubeconfig file when one is given. */
export function loadKubeConfig(kubeconfig?: string): k8s.KubeConfig {
  const kc = new k8s.KubeConfig();
  if (kubeconfig !== undefined) {
    kc.loadFromFile(kubeconfig);
  } else {
    // client-node would build a client with an invalid URL and fail on every call: say so once, at start.
    if (!process.env.KUBERNETES_SERVICE_HOST) throw new Error('not running in a pod (KUBERNETES_SERVICE_HOST is not set) and no kubeconfig was given');
    kc.loadFromCluster();
  }
  return kc;
}

/** The API server's own message (a Status object's `message`) and the HTTP status, without client-node's noise. */
export function toApiError(e: unknown): unknown {
  if (!(e instanceof k8s.ApiException)) return e;
  const err = e as k8s.ApiException<unknown>;
  let body: any = err.body;
  if (typeof body === 'string') {
    try {
      body = JSON.parse(body);
    } catch {
      // not JSON: keep the text
    }
  }
  const message = typeof body === 'object' && body !== null && typeof body.message === 'string' ? body.message : String(body ?? err.message);
  return new ApiError(message, err.code);
}

async function call<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw toApiError(e);
  }
}

const mergePatch = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch);

export function websiteClient(kc: k8s.KubeConfig): WebsiteClient {
  const custom = kc.makeApiClient(k8s.CustomObjectsApi);
  const objects = k8s.KubernetesObjectApi.makeApiClient(kc);
  const apply = <T extends k8s.KubernetesObject>(object: T) =>
    call(() => objects.patch(object, undefined, undefined, FIELD_MANAGER, true, k8s.PatchStrategy.ServerSideApply)) as Promise<T>;
  return {
    async getWebsite(namespace, name) {
      try {
        return (await call(() => custom.getNamespacedCustomObject({ group: GROUP, version: VERSION, namespace, plural: PLURAL, name }))) as Website;
      } catch (e) {
        if (e instanceof ApiError && e.statusCode === 404) return undefined;
        throw e;
      }
    },
    applyDeployment: (deployment) => apply(deployment),
    applyService: (service) => apply(service),
    async patchWebsiteStatus(namespace, name, status: WebsiteStatus) {
      await call(() =>
        custom.patchNamespacedCustomObjectStatus({ group: GROUP, version: VERSION, namespace, plural: PLURAL, name, body: { status }, fieldManager: FIELD_MANAGER }, mergePatch),
      );
    },
  };
}

/** client-node types MicroTime fields as Date but passes the API server's strings through. */
function time(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  return value instanceof Date ? value.toISOString().replace(/Z$/, '000Z') : String(value);
}

function stored(lease: k8s.V1Lease): StoredLease {
  const spec = lease.spec ?? {};
  const record: LeaseRecord = {
    ...(spec.holderIdentity ? { holderIdentity: spec.holderIdentity } : {}),
    leaseDurationSeconds: spec.leaseDurationSeconds ?? 0,
    ...(spec.acquireTime ? { acquireTime: time(spec.acquireTime) } : {}),
    ...(spec.renewTime ? { renewTime: time(spec.renewTime) } : {}),
    leaseTransitions: spec.leaseTransitions ?? 0,
  };
  return { record, resourceVersion: lease.metadata?.resourceVersion ?? '' };
}

export function leaseApi(kc: k8s.KubeConfig, namespace: string, name: string): LeaseApi {
  const api = kc.makeApiClient(k8s.CoordinationV1Api);
  // MicroTime strings go out as they are (client-node's serializer passes values of its MicroTime type through).
  const body = (record: LeaseRecord, resourceVersion?: string): k8s.V1Lease => ({
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: { name, namespace, ...(resourceVersion === undefined ? {} : { resourceVersion }) },
    spec: record as unknown as k8s.V1LeaseSpec,
  });
  return {
    async get() {
      try {
        return stored(await call(() => api.readNamespacedLease({ name, namespace })));
      } catch (e) {
        if (e instanceof ApiError && e.statusCode === 404) return undefined;
        throw e;
      }
    },
    create: async (record) => stored(await call(() => api.createNamespacedLease({ namespace, body: body(record) }))),
    update: async (record, resourceVersion) => stored(await call(() => api.replaceNamespacedLease({ name, namespace, body: body(record, resourceVersion) }))),
  };
}

function informer<T extends k8s.KubernetesObject>(kc: k8s.KubeConfig, path: string, list: () => Promise<k8s.KubernetesListObject<T>>, labelSelector?: string): WatchSource<T> {
  // makeInformer starts nothing until start(); it resumes from the last resourceVersion and relists on 410 Gone.
  const inf = k8s.makeInformer<T>(kc, path, list, labelSelector);
  let synced = false;
  return {
    on: (event: 'add' | 'update' | 'delete' | 'error', cb: (x: any) => void) => inf.on(event as any, cb),
    list: () => [...inf.list()],
    async start() {
      // A failed list emits `error` (and start() returns): synced only when none was emitted meanwhile.
      let failed = false;
      const onError = () => {
        failed = true;
      };
      inf.on('error', onError);
      try {
        await inf.start();
      } finally {
        inf.off('error', onError);
      }
      if (!failed) synced = true;
    },
    stop: () => inf.stop(),
    hasSynced: () => synced,
  };
}

/** Websites in every namespace (the ClusterRole allows list/watch of websites cluster-wide). */
export function websiteInformer(kc: k8s.KubeConfig): WatchSource<Website> {
  const custom = kc.makeApiClient(k8s.CustomObjectsApi);
  const list = () => call(() => custom.listClusterCustomObject({ group: GROUP, version: VERSION, plural: PLURAL })) as Promise<k8s.KubernetesListObject<any>>;
  return informer<any>(kc, `/apis/${GROUP}/${VERSION}/${PLURAL}`, list) as WatchSource<Website>;
}

/** The controller's Deployments in one managed namespace (its Role there allows list/watch). */
export function deploymentInformer(kc: k8s.KubeConfig, namespace: string): WatchSource<k8s.V1Deployment> {
  const apps = kc.makeApiClient(k8s.AppsV1Api);
  const labelSelector = `${LABEL_MANAGED_BY}=${FIELD_MANAGER}`;
  return informer(kc, `/apis/apps/v1/namespaces/${namespace}/deployments`, () => call(() => apps.listNamespacedDeployment({ namespace, labelSelector })), labelSelector);
}

/** The controller's Services in one managed namespace (its Role there allows list/watch). */
export function serviceInformer(kc: k8s.KubeConfig, namespace: string): WatchSource<k8s.V1Service> {
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const labelSelector = `${LABEL_MANAGED_BY}=${FIELD_MANAGER}`;
  return informer(kc, `/api/v1/namespaces/${namespace}/services`, () => call(() => core.listNamespacedService({ namespace, labelSelector })), labelSelector);
}
