import {
  DEFAULT_REPLICAS, DEFAULT_WAIT_IMAGE, DEFAULT_WEB_APP_RESOURCES, Replicas, WAIT_ATTEMPTS, WAIT_INTERVAL_SECONDS, WebApp,
  WebAppProps,
} from '../../lib/apps/web-app';
import { checkPodSecurity } from '../../lib/checks/pod-security';
import { checkContainerHygiene } from '../../lib/checks/workload-checks';
import { EXPOSED_LABEL } from '../../lib/core/labels';
import { GatewayEntry } from '../../lib/network/entry-point';
import { IstioMesh } from '../../lib/mesh/istio';
import { Peers } from '../../lib/network/peer';
import { asObjects, find, testChart } from '../support/helpers';

const BASE: WebAppProps = {
  name: 'hello',
  namespace: 'team-a',
  image: { repository: 'nginxinc/nginx-unprivileged', tag: '1.27.4-alpine' },
};

function build(overrides: Partial<WebAppProps> = {}): { app: WebApp; objects: any[] } {
  const chart = testChart();
  const app = new WebApp(chart, 'Web', { ...BASE, ...overrides });
  return { app, objects: chart.toJson() };
}

function render(overrides: Partial<WebAppProps> = {}): any[] {
  return build(overrides).objects;
}

function podSpec(objects: any[], name = 'hello'): any {
  return find(objects, 'Deployment', name).spec.template.spec;
}

function appContainer(objects: any[]): any {
  return podSpec(objects).containers.find((c: any) => c.name === 'app');
}

function policy(objects: any[], name: string): any {
  return find(objects, 'NetworkPolicy', name);
}

describe('WebApp', () => {
  test('defaults (snapshot)', () => {
    expect(render()).toMatchSnapshot();
  });

  test('Deployment defaults: 2 replicas, pinned image pulled IfNotPresent, port 8080 named http', () => {
    // GIVEN only name, namespace and image WHEN rendered
    const { app, objects } = build();
    const deployment = find(objects, 'Deployment', 'hello', 'team-a');
    const container = appContainer(objects);
    // THEN the documented defaults are what the object says
    expect(deployment.spec.replicas).toBe(2);
    expect(DEFAULT_REPLICAS).toBe(2);
    expect(app.replicas.count).toBe(2);
    expect(container.image).toBe('nginxinc/nginx-unprivileged:1.27.4-alpine');
    expect(container.imagePullPolicy).toBe('IfNotPresent');
    expect(container.ports).toEqual([{ name: 'http', containerPort: 8080, protocol: 'TCP' }]);
    expect(deployment.spec.strategy.rollingUpdate).toEqual({ maxSurge: 1, maxUnavailable: 0 });
  });

  test('restricted security: non-root uid 10001 by default, read-only root, no token, writable /tmp', () => {
    // GIVEN the defaults WHEN rendered
    const { app, objects } = build();
    const spec = podSpec(objects);
    const container = appContainer(objects);
    // THEN the pod passes Pod Security "restricted" and the hygiene check
    expect(app.runAsUser).toBe(10001);
    expect(spec.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001 });
    expect(spec.automountServiceAccountToken).toBe(false);
    expect(container.securityContext).toEqual({
      runAsNonRoot: true, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(container.volumeMounts).toEqual([{ name: 'tmp', mountPath: '/tmp' }]);
    expect(spec.volumes).toEqual([{ name: 'tmp', emptyDir: { sizeLimit: '64Mi' } }]);
    expect(checkPodSecurity(spec, 'restricted')).toEqual([]);
    expect(checkContainerHygiene(asObjects(objects))).toEqual([]);
  });

  test('default resources are Burstable with small values; equal requests and limits are Guaranteed', () => {
    // GIVEN default resources, then equal requests and limits
    const burstable = build();
    const guaranteed = build({ resources: { requests: { cpu: '200m', memory: '256Mi' }, limits: { cpu: '200m', memory: '256Mi' } } });
    // THEN the QoS class follows, and the container carries exactly those values
    expect(burstable.app.qosClass).toBe('Burstable');
    expect(appContainer(burstable.objects).resources).toEqual({
      requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '250m', memory: '128Mi' },
    });
    expect(DEFAULT_WEB_APP_RESOURCES).toEqual({ requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '250m', memory: '128Mi' } });
    expect(guaranteed.app.qosClass).toBe('Guaranteed');
    expect(appContainer(guaranteed.objects).resources).toEqual({
      requests: { cpu: '200m', memory: '256Mi' }, limits: { cpu: '200m', memory: '256Mi' },
    });
  });

  test('startup and readiness probes use the HTTP path, "/" by default; liveness only the port', () => {
    // GIVEN the default and a custom probe path
    const byDefault = appContainer(render());
    const custom = appContainer(render({ probePath: '/healthz' }));
    // THEN startup and readiness hit that path on the named port
    for (const probe of ['startupProbe', 'readinessProbe']) {
      expect(byDefault[probe].httpGet).toEqual({ path: '/', port: 'http' });
      expect(custom[probe].httpGet).toEqual({ path: '/healthz', port: 'http' });
    }
    // AND liveness asks only whether the port accepts connections: a slow app leaves the endpoints, it is not restarted
    for (const c of [byDefault, custom]) {
      expect(c.livenessProbe.tcpSocket).toEqual({ port: 'http' });
      expect(c.livenessProbe.httpGet).toBeUndefined();
    }
    expect(byDefault.startupProbe).toMatchObject({ periodSeconds: 2, failureThreshold: 30 });
  });

  test('Service is ClusterIP on port 80 to the named container port by default', () => {
    // GIVEN the defaults WHEN rendered
    const service = find(render(), 'Service', 'hello', 'team-a');
    // THEN
    expect(service.spec.type).toBe('ClusterIP');
    expect(service.spec.ports).toEqual([{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }]);
    expect(service.spec.selector).toEqual({ 'app.kubernetes.io/name': 'hello', 'app.kubernetes.io/instance': 'hello' });
    expect(service.spec.externalTrafficPolicy).toBeUndefined();
  });

  test('container and service ports can be changed', () => {
    // GIVEN other ports
    const objects = render({ containerPort: 17001, servicePort: 7071 });
    // THEN both ends follow
    expect(appContainer(objects).ports[0].containerPort).toBe(17001);
    expect(find(objects, 'Service', 'hello').spec.ports[0].port).toBe(7071);
  });

  test('nodePort makes a NodePort Service that keeps client addresses, and a flow from the clients', () => {
    // GIVEN a node port and who may use it
    const objects = render({ nodePort: 30002, nodePortClients: [Peers.cidr('10.10.10.0/24', 'lab-lan')] });
    const service = find(objects, 'Service', 'hello');
    // THEN the Service is NodePort with Local traffic policy
    expect(service.spec.type).toBe('NodePort');
    expect(service.spec.ports[0].nodePort).toBe(30002);
    expect(service.spec.externalTrafficPolicy).toBe('Local');
    // AND the clients may reach the container port, nothing more
    expect(policy(objects, 'allow-nodeport-0-to-hello-ingress').spec.ingress).toEqual([
      { from: [{ ipBlock: { cidr: '10.10.10.0/24' } }], ports: [{ port: 8080, protocol: 'TCP' }] },
    ]);
  });

  test('no autoscaler by default; with autoscaling the HPA owns the replica count', () => {
    // GIVEN no autoscaling, then autoscaling 2..5 at the default CPU target
    const fixed = render();
    const { app, objects } = build({ replicas: Replicas.autoscaled({ minReplicas: 2, maxReplicas: 5 }) });
    // THEN
    expect(fixed.filter((m) => m.kind === 'HorizontalPodAutoscaler')).toEqual([]);
    const hpa = find(objects, 'HorizontalPodAutoscaler', 'hello', 'team-a');
    expect(hpa.apiVersion).toBe('autoscaling/v2');
    expect(hpa.spec).toEqual({
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'hello' },
      minReplicas: 2,
      maxReplicas: 5,
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }],
    });
    // spec.replicas is left out, so an apply never resets what the autoscaler chose
    expect(find(objects, 'Deployment', 'hello').spec.replicas).toBeUndefined();
    expect(app.replicas.count).toBeUndefined();
    expect(app.minPods).toBe(2);
  });

  test('a PodDisruptionBudget exists only when more than one pod serves', () => {
    // GIVEN 2 replicas (default), 1 replica, and autoscaling from 1
    const two = render();
    const one = render({ replicas: Replicas.fixed(1) });
    const scaledFromOne = render({ replicas: Replicas.autoscaled({ minReplicas: 1, maxReplicas: 3 }) });
    // THEN only the first has a PDB, allowing one pod down at a time
    expect(find(two, 'PodDisruptionBudget', 'hello').spec).toEqual({
      maxUnavailable: 1, selector: { matchLabels: { 'app.kubernetes.io/name': 'hello', 'app.kubernetes.io/instance': 'hello' } },
    });
    expect(one.filter((m) => m.kind === 'PodDisruptionBudget')).toEqual([]);
    expect(scaledFromOne.filter((m) => m.kind === 'PodDisruptionBudget')).toEqual([]);
    expect(find(one, 'Deployment', 'hello').spec.replicas).toBe(1);
  });

  test('ingress: TLS Ingress on nginx and a flow from the controller to the container port only', () => {
    // GIVEN a host
    const objects = render({ ingress: { host: 'hello.lab.example' } });
    const ingress = find(objects, 'Ingress', 'hello', 'team-a');
    // THEN TLS comes from the <name>-tls Secret reference
    expect(ingress.spec.ingressClassName).toBe('nginx');
    expect(ingress.spec.tls).toEqual([{ hosts: ['hello.lab.example'], secretName: 'hello-tls' }]);
    expect(ingress.spec.rules[0].http.paths[0]).toEqual({
      path: '/', pathType: 'Prefix', backend: { service: { name: 'hello', port: { number: 80 } } },
    });
    // AND the controller reaches exactly the container port of these pods
    expect(policy(objects, 'allow-ingress-to-hello-ingress').spec).toEqual({
      podSelector: { matchLabels: { 'app.kubernetes.io/name': 'hello', 'app.kubernetes.io/instance': 'hello' } },
      policyTypes: ['Ingress'],
      ingress: [{
        from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } }],
        ports: [{ port: 8080, protocol: 'TCP' }],
      }],
    });
    // AND the pods do not use the baseline's exposed label, which would open every port
    expect(find(objects, 'Deployment', 'hello').spec.template.metadata.labels[EXPOSED_LABEL]).toBeUndefined();
  });

  test('ingress options: secret, class, controller namespace, path and annotations', () => {
    // GIVEN every ingress option
    const objects = render({
      ingress: {
        host: 'hello.lab.example', tlsSecretName: 'wildcard-tls', className: 'internal', controllerNamespace: 'ingress-internal',
        path: '/hello', annotations: { 'nginx.ingress.kubernetes.io/proxy-body-size': '1m' },
      },
    });
    const ingress = find(objects, 'Ingress', 'hello');
    // THEN each lands where the controller reads it
    expect(ingress.spec.tls[0].secretName).toBe('wildcard-tls');
    expect(ingress.spec.ingressClassName).toBe('internal');
    expect(ingress.spec.rules[0].http.paths[0].path).toBe('/hello');
    expect(ingress.metadata.annotations).toEqual({ 'nginx.ingress.kubernetes.io/proxy-body-size': '1m' });
    expect(policy(objects, 'allow-ingress-to-hello-ingress').spec.ingress[0].from[0].namespaceSelector.matchLabels['kubernetes.io/metadata.name']).toBe('ingress-internal');
  });

  test('config becomes a ConfigMap read as environment, and a change rolls the pods', () => {
    // GIVEN two configs
    const a = render({ config: { GREETING: 'hi', COLOR: 'blue' } });
    const b = render({ config: { GREETING: 'hello', COLOR: 'blue' } });
    // THEN the ConfigMap holds the values (sorted) and the container reads it whole
    expect(find(a, 'ConfigMap', 'hello-config', 'team-a').data).toEqual({ COLOR: 'blue', GREETING: 'hi' });
    expect(Object.keys(find(a, 'ConfigMap', 'hello-config').data)).toEqual(['COLOR', 'GREETING']);
    expect(appContainer(a).envFrom).toEqual([{ configMapRef: { name: 'hello-config' } }]);
    // AND the pod template hash differs, so the Deployment rolls
    const hash = (objects: any[]) => find(objects, 'Deployment', 'hello').spec.template.metadata.annotations['platform-kit.io/config-hash'];
    expect(hash(a)).toMatch(/^[0-9a-f]{16}$/);
    expect(hash(a)).not.toBe(hash(b));
    // AND without config there is no ConfigMap
    expect(render().filter((m) => m.kind === 'ConfigMap')).toEqual([]);
  });

  test('credentials come from Secret references, never as values', () => {
    // GIVEN a secret reference
    const objects = render({ secretEnv: { DB_PASSWORD: { secretName: 'hello-db', key: 'password' } } });
    // THEN the env var reads the Secret key, and no Secret object is created
    expect(appContainer(objects).env).toEqual([{ name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'hello-db', key: 'password' } } }]);
    expect(objects.filter((m) => m.kind === 'Secret')).toEqual([]);
  });

  test('waitForDns adds a bounded, hardened init container per the depends_on pattern', () => {
    // GIVEN a dependency
    const { objects } = build({ waitForDns: ['mysql-primary.mysql.svc.cluster.local'] });
    const init = podSpec(objects).initContainers;
    // THEN one pinned busybox container waits for that name, and gives up after WAIT_ATTEMPTS tries
    expect(init).toHaveLength(1);
    expect(init[0].image).toBe('busybox:1.38.0');
    expect(DEFAULT_WAIT_IMAGE).toEqual({ repository: 'busybox', tag: '1.38.0' });
    expect(init[0].command.slice(-2)).toEqual(['wait-for-dependencies', 'mysql-primary.mysql.svc.cluster.local']);
    expect(init[0].command[2]).toContain(`-ge ${WAIT_ATTEMPTS} ]`);
    expect(init[0].command[2]).toContain(`sleep ${WAIT_INTERVAL_SECONDS}`);
    expect(init[0].command[2]).toContain('exit 1');
    expect(init[0].securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, runAsNonRoot: true });
    // requests equal limits: the init container never lowers the pod's QoS class
    expect(init[0].resources).toEqual({ requests: { cpu: '10m', memory: '16Mi' }, limits: { cpu: '10m', memory: '16Mi' } });
    expect(checkContainerHygiene(asObjects(objects))).toEqual([]);
    // AND without dependencies there is no init container
    expect(podSpec(render()).initContainers).toBeUndefined();
  });

  test('mysql declares the flow app → MySQL primary on 3306, both sides where the namespace is managed', () => {
    // GIVEN a managed MySQL primary
    const primary = Peers.pods('mysql', { 'app.kubernetes.io/name': 'mysql', 'statefulset.kubernetes.io/pod-name': 'mysql-0' }, 'mysql-primary');
    const objects = render({ mysql: { primary } });
    // THEN egress from the app's pods and ingress to the primary, port 3306 only
    const egress = policy(objects, 'allow-hello-to-mysql-egress');
    expect(egress.metadata.namespace).toBe('team-a');
    expect(egress.spec.egress[0].ports).toEqual([{ port: 3306, protocol: 'TCP' }]);
    expect(egress.spec.egress[0].to[0].podSelector.matchLabels).toEqual(primary.kind === 'pods' ? primary.selector : {});
    expect(policy(objects, 'allow-hello-to-mysql-ingress').metadata.namespace).toBe('mysql');
    // AND an unmanaged one gets only our side
    const external = render({ mysql: { primary: Peers.externalPods('mysql', { app: 'mysql' }, 'mysql-primary'), port: 3307 } });
    expect(external.filter((m) => m.metadata.namespace === 'mysql')).toEqual([]);
    expect(policy(external, 'allow-hello-to-mysql-egress').spec.egress[0].ports).toEqual([{ port: 3307, protocol: 'TCP' }]);
  });

  test('names are a contract: objects are named after the app and stay in its namespace; no Namespace is created', () => {
    // GIVEN every optional object
    const objects = render({ ingress: { host: 'hello.lab.example' }, replicas: Replicas.autoscaled({ minReplicas: 2, maxReplicas: 3 }), config: { A: 'b' } });
    // THEN
    for (const kind of ['Deployment', 'Service', 'Ingress', 'HorizontalPodAutoscaler', 'PodDisruptionBudget']) {
      expect(find(objects, kind, 'hello', 'team-a').kind).toBe(kind);
    }
    expect(find(objects, 'ConfigMap', 'hello-config', 'team-a').kind).toBe('ConfigMap');
    expect(objects.filter((m) => m.kind === 'Namespace')).toEqual([]);
    expect(objects.filter((m) => m.kind !== 'NetworkPolicy' && m.metadata.namespace !== 'team-a')).toEqual([]);
  });

  test('the app is a flow peer: its pods by selector labels', () => {
    // GIVEN an app WHEN used as a peer
    const { app } = build();
    // THEN
    expect(app.toPeer()).toEqual({
      kind: 'pods', name: 'hello', namespace: 'team-a',
      selector: { 'app.kubernetes.io/name': 'hello', 'app.kubernetes.io/instance': 'hello' },
    });
  });

  test('all props', () => {
    // GIVEN every prop set (a new prop breaks this until it is covered)
    const props: Required<WebAppProps> = {
      name: 'shop',
      namespace: 'team-b',
      image: { repository: 'registry.lab.example/shop', tag: '2.1.0' },
      replicas: Replicas.autoscaled({ minReplicas: 3, maxReplicas: 6, cpuUtilization: 60 }),
      containerPort: 9000,
      servicePort: 8000,
      nodePort: 30100,
      nodePortClients: [Peers.cidr('10.10.10.0/24', 'lab-lan')],
      ingress: { host: 'shop.lab.example', tlsSecretName: 'shop-cert', path: '/', className: 'nginx', controllerNamespace: 'ingress-nginx', annotations: {} },
      resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '100m', memory: '128Mi' } },
      probePath: '/ready',
      runAsUser: 2000,
      config: { MODE: 'prod' },
      secretEnv: { API_TOKEN: { secretName: 'shop-api', key: 'token' } },
      waitForDns: ['db.team-b.svc.cluster.local'],
      waitImage: { repository: 'registry.lab.example/busybox', tag: '1.36.1' },
      mysql: { primary: Peers.externalPods('mysql', { app: 'mysql' }, 'mysql-primary'), port: 3306 },
      tmpSizeLimit: '128Mi',
      entryPoint: new GatewayEntry({ proxyPods: Peers.externalPods('nginx-gateway', { app: 'proxy' }, 'proxy') }),
      canary: { image: { repository: 'registry.lab.example/shop', tag: '2.2.0' }, weight: 20, replicas: 2, split: 'gateway-api' },
      mesh: new IstioMesh({ cni: true }),
    };
    // WHEN rendered
    const chart = testChart();
    const app = new WebApp(chart, 'Shop', props);
    const objects = chart.toJson();
    const spec = find(objects, 'Deployment', 'shop', 'team-b').spec.template.spec;
    // THEN each prop shows up
    expect(app.qosClass).toBe('Guaranteed');
    expect(find(objects, 'HorizontalPodAutoscaler', 'shop').spec.metrics[0].resource.target.averageUtilization).toBe(60);
    expect(find(objects, 'Service', 'shop').spec.ports[0]).toMatchObject({ port: 8000, nodePort: 30100 });
    expect(spec.containers[0].ports[0].containerPort).toBe(9000);
    expect(spec.containers[0].readinessProbe.httpGet.path).toBe('/ready');
    expect(spec.securityContext.runAsUser).toBe(2000);
    expect(spec.initContainers[0].image).toBe('registry.lab.example/busybox:1.36.1');
    expect(spec.volumes[0].emptyDir.sizeLimit).toBe('128Mi');
    // the host goes to the Gateway (no Ingress), split 80/20 with the canary, whose pods the proxy may reach
    expect(app.exposedHost).toMatchObject({ host: 'shop.lab.example', tlsSecretName: 'shop-cert', backends: [{ service: 'shop', port: 8000, weight: 80 }, { service: 'shop-canary', port: 8000, weight: 20 }] });
    expect(objects.filter((o: any) => o.kind === 'Ingress')).toEqual([]);
    expect(find(objects, 'Deployment', 'shop-canary', 'team-b').spec.replicas).toBe(2);
    expect(find(objects, 'Deployment', 'shop-canary', 'team-b').spec.template.spec.containers[0].image).toBe('registry.lab.example/shop:2.2.0');
    expect(find(objects, 'NetworkPolicy', 'allow-gateway-to-shop-canary-ingress', 'team-b').spec.ingress[0].ports).toEqual([{ port: 9000, protocol: 'TCP' }]);
    expect(find(objects, 'ConfigMap', 'shop-config').data).toEqual({ MODE: 'prod' });
    expect(spec.containers[0].env[0].valueFrom.secretKeyRef).toEqual({ name: 'shop-api', key: 'token' });
    expect(find(objects, 'PodDisruptionBudget', 'shop').spec.maxUnavailable).toBe(1);
    expect(find(objects, 'NetworkPolicy', 'allow-shop-to-mysql-egress').metadata.namespace).toBe('team-b');
    expect(find(objects, 'NetworkPolicy', 'allow-nodeport-0-to-shop-ingress').metadata.namespace).toBe('team-b');
    // the pods are in the (sidecar) mesh: their proxies reach istiod on 15012
    expect(app.mesh?.mode).toBe('sidecar');
    expect(find(objects, 'NetworkPolicy', 'allow-shop-to-istiod-egress', 'team-b').spec.egress[0].ports).toEqual([{ port: 15012, protocol: 'TCP' }]);
  });

  describe('validation names the prop, the bad value and the fix', () => {
    const cases: Array<[string, Partial<WebAppProps>, RegExp]> = [
      ['a name that is not a DNS label', { name: 'Hello_App' }, /WebApp "Hello_App": name must be a DNS label .* e\.g\. "helloworld"/],
      ['a namespace that is not a DNS label', { namespace: 'Team A' }, /namespace "Team A" is not a DNS label; give the tenant's namespace/],
      ['an unpinned image', { image: { repository: 'nginx', tag: 'latest' } }, /image\.tag: "latest" is not a pinned image tag: give an exact version/],
      ['zero replicas', { replicas: Replicas.fixed(0) }, /replicas 0 must be a whole number of at least 1/],
      ['autoscaling from zero', { replicas: Replicas.autoscaled({ minReplicas: 0, maxReplicas: 2 }) }, /autoscaling\.minReplicas 0 must be a whole number of at least 1/],
      ['min above max', { replicas: Replicas.autoscaled({ minReplicas: 4, maxReplicas: 2 }) }, /autoscaling\.maxReplicas 2 is below minReplicas 4; raise maxReplicas or lower minReplicas/],
      ['a CPU target above 100', { replicas: Replicas.autoscaled({ minReplicas: 1, maxReplicas: 2, cpuUtilization: 150 }) }, /autoscaling\.cpuUtilization 150 must be a percentage .* between 1 and 100/],
      ['a port out of range', { containerPort: 70000 }, /containerPort 70000 is not a port number \(1–65535\)/],
      ['a request above its limit', { resources: { requests: { cpu: '1', memory: '64Mi' }, limits: { cpu: '500m', memory: '64Mi' } } }, /resources\.requests\.cpu "1" is above resources\.limits\.cpu "500m"; .*lower the request or raise the limit/],
      ['a malformed quantity', { resources: { requests: { cpu: 'lots', memory: '64Mi' }, limits: { cpu: '1', memory: '64Mi' } } }, /resources\.requests\.cpu "lots" is not a Kubernetes quantity/],
      ['a relative probe path', { probePath: 'healthz' }, /probePath "healthz" must be an absolute HTTP path such as "\/healthz"/],
      ['root', { runAsUser: 0 }, /runAsUser 0 must be a uid above 0/],
      ['a dependency that is not a DNS name', { waitForDns: ['mysql primary'] }, /waitForDns entry: "mysql primary" is not a fully qualified DNS name; .*\(example: "mysql-primary\.mysql\.svc\.cluster\.local"\)/],
      ['an unpinned wait image', { waitImage: { repository: 'busybox', tag: 'latest' } }, /waitImage\.tag: "latest" is not a pinned image tag/],
      ['a bad /tmp size', { tmpSizeLimit: 'big' }, /tmpSizeLimit "big" is not a Kubernetes quantity/],
      ['a config key that is no env name', { config: { 'my-key': 'v' } }, /config key "my-key" is not an environment variable name/],
      ['a credential in config', { config: { DB_PASSWORD: 'hunter2' } }, /config key "DB_PASSWORD" looks like a credential; .*create a Secret and reference it under secretEnv/],
      ['a secretEnv name that is no env name', { secretEnv: { 'db-pass': { secretName: 'db', key: 'p' } } }, /secretEnv name "db-pass" is not an environment variable name/],
      ['the same name in config and secretEnv', { config: { DB_USER: 'a' }, secretEnv: { DB_USER: { secretName: 'db', key: 'user' } } }, /"DB_USER" is both a config key and a secretEnv name; keep one/],
      ['a bad Secret reference', { secretEnv: { DB_PASS: { secretName: 'Not A Secret', key: 'p' } } }, /secretEnv DB_PASS refers to .*give a Secret name/],
      ['a node port outside the range', { nodePort: 8080, nodePortClients: [Peers.cidr('10.0.0.0/8', 'lan')] }, /nodePort 8080 is outside the NodePort range 30000–32767; .*e\.g\. 30002/],
      ['a node port without clients', { nodePort: 30002 }, /nodePort 30002 needs nodePortClients/],
      ['clients without a node port', { nodePortClients: [Peers.cidr('10.0.0.0/8', 'lan')] }, /nodePortClients is set but nodePort is not/],
      ['a host without a domain', { ingress: { host: 'hello' } }, /host "hello" is not a DNS name with a domain/],
    ];
    test.each(cases)('%s', (_label, overrides, message) => {
      // GIVEN a bad prop WHEN constructed THEN it throws with that message
      expect(() => build(overrides)).toThrow(message);
    });
  });
});

describe('WebApp canary', () => {
  const gateway = new GatewayEntry({ proxyPods: Peers.externalPods('nginx-gateway', { app: 'proxy' }, 'proxy') });
  const canary = { image: { repository: 'nginxinc/nginx-unprivileged', tag: '1.27.5-alpine' }, weight: 10 };

  test('defaults: one canary pod, its own Service, the stable objects unchanged', () => {
    // GIVEN an app with a host WHEN a canary is added
    const plain = render({ ingress: { host: 'hello.lab.example' }, entryPoint: gateway });
    const { app, objects } = build({ ingress: { host: 'hello.lab.example' }, entryPoint: gateway, canary });
    // THEN the canary has one pod and a Service that selects it
    const deployment = find(objects, 'Deployment', 'hello-canary');
    expect(deployment.spec.replicas).toBe(1);
    expect(find(objects, 'Service', 'hello-canary').spec.selector).toEqual(deployment.spec.selector.matchLabels);
    expect(app.canaryPods).toEqual(Peers.pods('team-a', deployment.spec.selector.matchLabels, 'hello-canary'));
    // AND every stable object is as without the canary
    for (const kind of ['Deployment', 'Service', 'PodDisruptionBudget']) expect(find(objects, kind, 'hello')).toEqual(find(plain, kind, 'hello'));
    // AND the host is split 90/10
    expect(app.exposedHost?.backends.map((b) => [b.service, b.weight])).toEqual([['hello', 90], ['hello-canary', 10]]);
  });

  test('split istio: one Service over both versions, no canary Service, the subsets\' selectors for the mesh', () => {
    // GIVEN an app with a host and a mesh WHEN its canary is split by Istio
    const mesh = new IstioMesh({ cni: true, entryInMesh: true });
    const { app, objects } = build({ ingress: { host: 'hello.lab.example' }, entryPoint: gateway, canary: { ...canary, split: 'istio' }, mesh });
    const stable = find(objects, 'Deployment', 'hello');
    const canaryDeployment = find(objects, 'Deployment', 'hello-canary');
    // THEN the Service selects both, the route has one backend, and the subsets are the Deployments' own selectors
    expect(find(objects, 'Service', 'hello').spec.selector).toEqual({ 'app.kubernetes.io/name': 'hello' });
    expect(objects.filter((o: any) => o.kind === 'Service' && o.metadata.name === 'hello-canary')).toEqual([]);
    expect(app.exposedHost?.backends).toEqual([{ service: 'hello', port: 80, weight: 100, meshSplit: true }]);
    expect(app.meshCanary).toMatchObject({ service: 'hello', port: 80, weight: 10, stableSelector: stable.spec.selector.matchLabels, canarySelector: canaryDeployment.spec.selector.matchLabels });
  });

  test('split istio without a mesh is refused', () => {
    expect(() => render({ ingress: { host: 'hello.lab.example' }, entryPoint: gateway, canary: { ...canary, split: 'istio' } })).toThrow(/canary\.split "istio" needs the mesh/);
  });

  test('weight 0 keeps the canary running without requests', () => {
    const { app } = build({ ingress: { host: 'hello.lab.example' }, entryPoint: gateway, canary: { ...canary, weight: 0 } });
    expect(app.exposedHost?.backends.map((b) => b.weight)).toEqual([100, 0]);
  });

  test.each<[string, Partial<WebAppProps>, RegExp]>([
    ['no host', { entryPoint: gateway, canary }, /canary needs a host \(ingress\.host\)/],
    ['a weight above 100', { ingress: { host: 'hello.lab.example' }, entryPoint: gateway, canary: { ...canary, weight: 101 } }, /canary\.weight 101 must be a whole percentage from 0 to 100/],
    ['a weight that is not whole', { ingress: { host: 'hello.lab.example' }, entryPoint: gateway, canary: { ...canary, weight: 2.5 } }, /canary\.weight 2\.5 must be a whole percentage/],
    ['an unpinned image', { ingress: { host: 'hello.lab.example' }, entryPoint: gateway, canary: { ...canary, image: { repository: 'x', tag: 'latest' } } }, /canary\.image\.tag: "latest" is not a pinned image tag/],
    ['no pods', { ingress: { host: 'hello.lab.example' }, entryPoint: gateway, canary: { ...canary, replicas: 0 } }, /canary\.replicas 0 must be a whole number of at least 1/],
    ['the default (Ingress) entry point', { ingress: { host: 'hello.lab.example' }, canary }, /2 backends \(a canary\) need the Gateway API entry/],
  ])('a canary with %s is refused', (_name, overrides, message) => {
    expect(() => render(overrides)).toThrow(message);
  });
});
