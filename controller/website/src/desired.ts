/**
 * What one Website becomes (contract: "What the controller creates"): a Deployment of nginx serving what a git-sync
 * sidecar pulls, and a ClusterIP Service, both named `<w>-website` and owned by the Website, so the garbage
 * collector deletes them with it even when the controller is down. Pure functions: the same Website and config
 * always give the same objects, which is what makes server-side apply idempotent.
 */
import type { V1Container, V1Deployment, V1OwnerReference, V1ResourceRequirements, V1Service } from '@kubernetes/client-node';
import type { ContainerResources, ControllerConfig } from './config';
import { API_VERSION, childName, commonLabels, KIND, LABEL_EXPOSED, selectorLabels, SPEC_DEFAULTS } from './contract';
import { restrictedContainerSecurity, restrictedPodSecurity, WEBSITE_UID } from './restricted-pod';
import type { Website } from './website';

export const HTTP_PORT = 8080;
/** git-sync v4 serves nothing unless --http-bind is given; its `/` answers 200 once the first sync succeeded. */
export const GIT_SYNC_PORT = 8081;
/**
 * The shared checkout. It is mounted at nginx's own parent directory in both containers, and git-sync's `--link`
 * makes `html` a symlink to the current worktree: nginx-unprivileged's stock config serves it at `/` with no
 * ConfigMap (which would need RBAC the contract does not grant).
 */
export const CONTENT_MOUNT = '/usr/share/nginx';
export const CONTENT_ROOT = `${CONTENT_MOUNT}/git`;
export const CONTENT_LINK = `${CONTENT_MOUNT}/html`;

export function ownerReference(website: Website): V1OwnerReference {
  return { apiVersion: API_VERSION, kind: KIND, name: website.metadata.name, uid: website.metadata.uid, controller: true, blockOwnerDeletion: true };
}

function resources(r: ContainerResources): V1ResourceRequirements {
  return { requests: { cpu: r.requests.cpu, memory: r.requests.memory }, limits: { ...(r.limits.cpu === undefined ? {} : { cpu: r.limits.cpu }), memory: r.limits.memory } };
}

function isExposed(website: Website, config: ControllerConfig): boolean {
  return config.exposed.has(`${website.metadata.namespace}/${website.metadata.name}`);
}

export function desiredDeployment(website: Website, config: ControllerConfig): V1Deployment {
  const name = website.metadata.name;
  const spec = website.spec;
  const podLabels = { ...commonLabels(name), ...(isExposed(website, config) ? { [LABEL_EXPOSED]: 'true' } : {}) };
  const nginx: V1Container = {
    name: 'nginx',
    image: config.nginxImage,
    ports: [{ name: 'http', containerPort: HTTP_PORT, protocol: 'TCP' }],
    // nginx answers on its port as soon as it runs; whether there is content yet is git-sync's readiness.
    readinessProbe: { tcpSocket: { port: 'http' }, periodSeconds: 10 },
    livenessProbe: { tcpSocket: { port: 'http' }, initialDelaySeconds: 5, periodSeconds: 20 },
    resources: resources(config.resources.nginx),
    securityContext: restrictedContainerSecurity(),
    volumeMounts: [
      { name: 'content', mountPath: CONTENT_MOUNT, readOnly: true },
      { name: 'nginx-tmp', mountPath: '/tmp' },
      { name: 'nginx-cache', mountPath: '/var/cache/nginx' },
      { name: 'nginx-run', mountPath: '/var/run' },
    ],
  };
  const gitSync: V1Container = {
    name: 'git-sync',
    image: config.gitSyncImage,
    args: [
      `--repo=${spec.gitRepo}`,
      `--ref=${spec.branch ?? SPEC_DEFAULTS.branch}`,
      `--period=${spec.syncPeriod ?? SPEC_DEFAULTS.syncPeriod}`,
      `--root=${CONTENT_ROOT}`,
      `--link=${CONTENT_LINK}`,
      '--depth=1',
      `--http-bind=:${GIT_SYNC_PORT}`,
    ],
    ports: [{ name: 'git-sync', containerPort: GIT_SYNC_PORT, protocol: 'TCP' }],
    // Ready once the first sync is done: a pod only takes traffic when it has the site to serve.
    readinessProbe: { httpGet: { path: '/', port: 'git-sync' }, periodSeconds: 10 },
    livenessProbe: { tcpSocket: { port: 'git-sync' }, initialDelaySeconds: 5, periodSeconds: 20 },
    resources: resources(config.resources.gitSync),
    securityContext: restrictedContainerSecurity(),
    volumeMounts: [
      { name: 'content', mountPath: CONTENT_MOUNT },
      // git writes its config and temporary files under $HOME (/tmp in the git-sync image).
      { name: 'git-sync-tmp', mountPath: '/tmp' },
    ],
  };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: childName(name), namespace: website.metadata.namespace, labels: commonLabels(name), ownerReferences: [ownerReference(website)] },
    spec: {
      replicas: spec.replicas ?? SPEC_DEFAULTS.replicas,
      selector: { matchLabels: selectorLabels(name) },
      template: {
        metadata: { labels: podLabels },
        spec: {
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          securityContext: restrictedPodSecurity(WEBSITE_UID),
          containers: [nginx, gitSync],
          volumes: ['content', 'nginx-tmp', 'nginx-cache', 'nginx-run', 'git-sync-tmp'].map((volume) => ({ name: volume, emptyDir: {} })),
        },
      },
    },
  };
}

export function desiredService(website: Website): V1Service {
  const name = website.metadata.name;
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: childName(name), namespace: website.metadata.namespace, labels: commonLabels(name), ownerReferences: [ownerReference(website)] },
    spec: {
      type: 'ClusterIP',
      selector: selectorLabels(name),
      ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }],
    },
  };
}
