import { checkSchema } from '../../../lib/checks/manifest-checks';
import { NEWEST_SCHEMA_VERSION } from '../../../lib/checks/kubernetes-schema';
import { checkPodSecurity } from '../../../lib/checks/pod-security';
import { CONTENT_LINK, desiredDeployment, desiredService } from '../src/desired';
import { config, RESOURCES, website } from './fixtures';

const OWNER = { apiVersion: 'extensions.example.com/v1', kind: 'Website', name: 'xxhf', uid: '6f1c1e0e-3d5b-4a57-9a8e-1b2c3d4e5f60', controller: true, blockOwnerDeletion: true };
const LABELS = { 'app.kubernetes.io/name': 'website', 'app.kubernetes.io/instance': 'xxhf', 'app.kubernetes.io/managed-by': 'website-controller' };
const SELECTOR = { 'app.kubernetes.io/name': 'website', 'app.kubernetes.io/instance': 'xxhf' };

const asSynthesized = (manifest: unknown) => ({ manifest, path: 'website-controller', component: 'website', chart: undefined as any });

describe('desiredDeployment', () => {
  const deployment = desiredDeployment(website(), config());
  const pod = deployment.spec!.template.spec!;
  const container = (name: string) => pod.containers.find((c) => c.name === name)!;

  test('is named <w>-website in the Website\'s namespace, labelled and owned by the Website', () => {
    expect(deployment.metadata).toEqual({ name: 'xxhf-website', namespace: 'demo', labels: LABELS, ownerReferences: [OWNER] });
    expect(deployment.spec!.selector).toEqual({ matchLabels: SELECTOR });
  });

  test('pods carry platform-kit.io/exposed only when WEBSITE_EXPOSED names the website', () => {
    expect(deployment.spec!.template.metadata!.labels).toEqual({ ...LABELS, 'platform-kit.io/exposed': 'true' });
    const hidden = desiredDeployment(website({ name: 'intranet' }), config());
    expect(hidden.spec!.template.metadata!.labels).not.toHaveProperty(['platform-kit.io/exposed']);
    expect(hidden.spec!.template.metadata!.labels).toEqual({ ...LABELS, 'app.kubernetes.io/instance': 'intranet' });
  });

  test('is admitted by Pod Security "restricted" (lib/checks/pod-security.ts) and has no service-account token', () => {
    expect(checkPodSecurity(pod, 'restricted', deployment.spec!.template.metadata!.annotations)).toEqual([]);
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.securityContext).toEqual({ runAsNonRoot: true, runAsUser: 65533, runAsGroup: 65533, fsGroup: 65533, seccompProfile: { type: 'RuntimeDefault' } });
    for (const c of pod.containers) {
      expect(c.securityContext).toEqual({ runAsNonRoot: true, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' } });
    }
  });

  test('is valid for Kubernetes 1.27 and the newest schema', () => {
    expect(checkSchema([asSynthesized(deployment), asSynthesized(desiredService(website()))], '1.27.0')).toEqual([]);
    expect(checkSchema([asSynthesized(deployment), asSynthesized(desiredService(website()))], NEWEST_SCHEMA_VERSION)).toEqual([]);
    // The check does look: a wrong type is reported.
    expect(checkSchema([asSynthesized({ ...deployment, spec: { ...deployment.spec, replicas: 'one' } })], '1.27.0')).not.toEqual([]);
  });

  test('images and resources come from the environment', () => {
    expect(container('nginx').image).toBe('nginxinc/nginx-unprivileged:1.30.4-alpine');
    expect(container('git-sync').image).toBe('registry.k8s.io/git-sync/git-sync:v4.4.2');
    expect(container('nginx').resources).toEqual(RESOURCES.nginx);
    expect(container('git-sync').resources).toEqual(RESOURCES.gitSync);
  });

  test('nginx serves http on 8080 with readiness and liveness probes on it', () => {
    expect(container('nginx').ports).toEqual([{ name: 'http', containerPort: 8080, protocol: 'TCP' }]);
    expect(container('nginx').readinessProbe?.tcpSocket?.port).toBe('http');
    expect(container('nginx').livenessProbe?.tcpSocket?.port).toBe('http');
    expect(container('nginx').volumeMounts?.map((m) => m.mountPath)).toEqual(['/usr/share/nginx', '/tmp', '/var/cache/nginx', '/var/run']);
  });

  test('git-sync v4 gets the repo, the branch, the period and the link nginx serves, and its HTTP endpoint for probes', () => {
    expect(container('git-sync').args).toEqual([
      '--repo=https://github.com/example/xxhf.git', '--ref=main', '--period=60s', '--root=/usr/share/nginx/git', `--link=${CONTENT_LINK}`, '--depth=1', '--http-bind=:8081',
    ]);
    expect(container('git-sync').readinessProbe?.httpGet).toEqual({ path: '/', port: 'git-sync' });
    expect(container('git-sync').livenessProbe?.tcpSocket?.port).toBe('git-sync');
  });

  test('spec fields override the defaults', () => {
    const d = desiredDeployment(website({ spec: { branch: 'release/v2', syncPeriod: '5m', replicas: 3, gitRepo: 'git@example.com:org/site.git' } }), config());
    expect(d.spec!.replicas).toBe(3);
    expect(d.spec!.template.spec!.containers[1].args!.slice(0, 3)).toEqual(['--repo=git@example.com:org/site.git', '--ref=release/v2', '--period=5m']);
    expect(deployment.spec!.replicas).toBe(1);
  });

  test('every volume is an emptyDir and every mount has one', () => {
    const volumes = pod.volumes!.map((v) => v.name);
    expect(pod.volumes!.every((v) => v.emptyDir !== undefined)).toBe(true);
    for (const c of pod.containers) for (const m of c.volumeMounts ?? []) expect(volumes).toContain(m.name);
  });

  test('is the same object for the same input (server-side apply stays a no-op)', () => {
    expect(desiredDeployment(website(), config())).toEqual(deployment);
  });
});

describe('desiredService', () => {
  test('a ClusterIP Service <w>-website on port 80 named http to targetPort http, owned by the Website', () => {
    expect(desiredService(website())).toEqual({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'xxhf-website', namespace: 'demo', labels: LABELS, ownerReferences: [OWNER] },
      spec: { type: 'ClusterIP', selector: SELECTOR, ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }] },
    });
  });
});
