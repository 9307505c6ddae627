import { checkAppsConfig } from '../../lib/apps/config';
import { parseConfig } from '../../lib/config/load';
import { ProblemList, UserError } from '../../lib/core/errors';
import { defaultConfig, MINIMAL_CLUSTER } from '../support/helpers';

const TENANTS = 'tenants:\n  - name: dwayne\n  - name: demo\n';

/** A platform.yaml with the given `apps:` entries (YAML flow mappings, one per line). */
function withApps(...apps: string[]): string {
  return `${MINIMAL_CLUSTER}${TENANTS}apps:\n${apps.map((a) => `  - ${a}\n`).join('')}`;
}

const IMAGE = 'image: { repository: nginxinc/nginx-unprivileged, tag: 1.27.4-alpine }';

/** The messages of the UserError that parsing throws (fails the test when it does not throw). */
function problemsOf(yaml: string): string[] {
  try {
    parseConfig(yaml);
  } catch (e) {
    if (e instanceof UserError) return [...e.problems];
    throw e;
  }
  throw new Error('expected the config to be refused');
}

describe('apps: section', () => {
  test('an app needs only a name, a tenant and an image; every other key has its documented default', () => {
    // GIVEN the smallest app WHEN parsed
    const [app] = parseConfig(withApps(`{ name: hello, tenant: dwayne, ${IMAGE} }`)).apps;
    // THEN the defaults are filled in
    expect(app).toEqual({
      name: 'hello',
      tenant: 'dwayne',
      image: { repository: 'nginxinc/nginx-unprivileged', tag: '1.27.4-alpine' },
      containerPort: 8080,
      servicePort: 80,
      nodePortClients: ['0.0.0.0/0'],
      resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '250m', memory: '128Mi' } },
      probePath: '/',
      runAsUser: 10001,
      config: {},
      secretEnv: {},
      mysql: false,
      dependsOn: [],
      waitImage: { repository: 'busybox', tag: '1.38.0' },
    });
  });

  test('an app without a tenant is refused with the field, the fix and its line (no library default names a lab tenant)', () => {
    // GIVEN an app that leaves out tenant (earlier releases put it in "dwayne") and uses MySQL
    const yaml = `${withApps(`{ name: hello, ${IMAGE}, mysql: true }`)}mysql:\n  clients: [dwayne]\n`;
    // WHEN parsed THEN the one problem names apps[0].tenant, says where the value comes from, with the app's line
    // (the MySQL allow-list check does not add "tenant nothing is not in mysql.clients" on top of it)
    expect(problemsOf(yaml)).toEqual([
      'apps[0].tenant: is required but missing; add it (Tenant namespace the app runs in: one of tenants[].name. e.g. "team-a") (line 10)',
    ]);
    expect(yaml.split('\n')[9]).toBe(`  - { name: hello, ${IMAGE}, mysql: true }`);
  });

  test('no apps: section means no apps', () => {
    // GIVEN a config without apps WHEN parsed THEN the list is empty
    expect(parseConfig(`${MINIMAL_CLUSTER}${TENANTS}`).apps).toEqual([]);
  });

  test('the embedded platform.yaml deploys helloworld into tenant dwayne with TLS', () => {
    // GIVEN the shipped platform.yaml WHEN parsed
    const hello = defaultConfig().apps.find((a) => a.name === 'helloworld');
    // THEN it is the reference app of the notes, pinned and behind TLS
    expect(hello).toMatchObject({ tenant: 'dwayne', ingress: { host: 'hello.lab.example', tlsSecretName: 'helloworld-tls' } });
    expect(hello?.image.tag).not.toBe('latest');
    expect(hello?.autoscaling?.minReplicas).toBe(2);
  });

  const CASES: Array<[string, string, RegExp]> = [
    ['a tenant that does not exist',
      withApps(`{ name: hello, tenant: nobody, ${IMAGE} }`),
      /apps\[0\]\.tenant: "nobody" is not a tenant; add it under tenants: or use one of "dwayne", "demo"/],
    ['two apps with one name',
      withApps(`{ name: hello, tenant: dwayne, ${IMAGE} }`, `{ name: hello, tenant: dwayne, ${IMAGE} }`),
      /apps\[1\]\.name: "hello" is already apps\[0\]; app names must be unique/],
    ['a name that is not a DNS label',
      withApps(`{ name: Hello_World, tenant: dwayne, ${IMAGE} }`),
      /apps\[0\]\.name: "Hello_World" is not a DNS label/],
    ['an image without a tag',
      withApps('{ name: hello, tenant: dwayne, image: { repository: nginx } }'),
      /apps\[0\]\.image\.tag: is required but missing/],
    ['an app without an image',
      withApps('{ name: hello, tenant: dwayne }'),
      /apps\[0\]\.image: is required but missing/],
    ['the latest tag',
      withApps('{ name: hello, tenant: dwayne, image: { repository: nginx, tag: latest } }'),
      /apps\[0\]\.image\.tag: "latest" is not a pinned image tag: give an exact version/],
    ['a tag inside the repository',
      withApps('{ name: hello, tenant: dwayne, image: { repository: "nginx:1.27", tag: "1.27" } }'),
      /apps\[0\]\.image\.repository: "nginx:1\.27" is not an image repository .*give the tag separately in the tag field/],
    ['min replicas above max',
      withApps(`{ name: hello, tenant: dwayne, ${IMAGE}, autoscaling: { minReplicas: 5, maxReplicas: 2 } }`),
      /apps\[0\]\.autoscaling\.maxReplicas: 2 is below minReplicas 5; keep minReplicas <= maxReplicas/],
    ['replicas together with autoscaling',
      withApps(`{ name: hello, tenant: dwayne, ${IMAGE}, replicas: 3, autoscaling: { minReplicas: 2, maxReplicas: 4 } }`),
      /apps\[0\]\.replicas: 3 is set together with autoscaling; remove replicas and set autoscaling\.minReplicas/],
    ['a node port below the NodePort range',
      withApps(`{ name: hello, tenant: dwayne, ${IMAGE}, nodePort: 8080 }`),
      /apps\[0\]\.nodePort: 8080 must be at least 30000/],
    ['a node port above the NodePort range',
      withApps(`{ name: hello, tenant: dwayne, ${IMAGE}, nodePort: 40000 }`),
      /apps\[0\]\.nodePort: 40000 must be at most 32767/],
    ['one node port for two apps',
      withApps(`{ name: a, tenant: dwayne, ${IMAGE}, nodePort: 30002 }`, `{ name: b, tenant: dwayne, ${IMAGE}, nodePort: 30002 }`),
      /apps\[1\]\.nodePort: 30002 is already used by apps\[0\]; .*pick another in 30000–32767/],
    ['a host that is not a DNS name',
      withApps(`{ name: hello, tenant: dwayne, ${IMAGE}, ingress: { host: "Hello World" } }`),
      /apps\[0\]\.ingress\.host: "Hello World" is not a DNS name/],
    ['a host without a domain',
      withApps(`{ name: hello, tenant: dwayne, ${IMAGE}, ingress: { host: hello } }`),
      /apps\[0\]\.ingress\.host: "hello" has no domain; use a full name such as "hello\.lab\.example"/],
    ['one host for two apps',
      withApps(`{ name: a, tenant: dwayne, ${IMAGE}, ingress: { host: x.lab.example } }`, `{ name: b, tenant: dwayne, ${IMAGE}, ingress: { host: x.lab.example } }`),
      /apps\[1\]\.ingress\.host: "x\.lab\.example" is already the host of apps\[0\]\.ingress\.host; each exposed service needs its own host name/],
    ['a request above its limit',
      withApps(`{ name: hello, tenant: dwayne, ${IMAGE}, resources: { requests: { memory: 1Gi } } }`),
      /apps\[0\]\.resources\.requests\.memory: "1Gi" is above limits\.memory \("128Mi"\); Kubernetes refuses such a pod — lower the request or raise the limit \(equal values give QoS Guaranteed\)/],
    ['a malformed quantity',
      withApps(`{ name: hello, tenant: dwayne, ${IMAGE}, resources: { limits: { cpu: "two" } } }`),
      /apps\[0\]\.resources\.limits\.cpu: "two" is not a Kubernetes quantity/],
    ['a credential in config',
      withApps(`{ name: hello, tenant: dwayne, ${IMAGE}, config: { DB_PASSWORD: hunter2 } }`),
      /apps\[0\]\.config\.DB_PASSWORD: looks like a credential, and config is committed to git; create a Secret and reference it under secretEnv/],
    ['a config key that is no environment variable',
      withApps(`{ name: hello, tenant: dwayne, ${IMAGE}, config: { my-key: x } }`),
      /apps\[0\]\.config\.my-key: not an environment variable name/],
    ['a secretEnv name that is also a config key',
      withApps(`{ name: hello, tenant: dwayne, ${IMAGE}, config: { DB_USER: a }, secretEnv: { DB_USER: { secretName: db, key: user } } }`),
      /apps\[0\]\.secretEnv\.DB_USER: is also a config key; keep one of them/],
    ['a secretEnv without its key',
      withApps(`{ name: hello, tenant: dwayne, ${IMAGE}, secretEnv: { DB_PASSWORD: { secretName: db } } }`),
      /apps\[0\]\.secretEnv\.DB_PASSWORD\.key: is required but missing/],
    ['a dependency that is not a DNS name',
      withApps(`{ name: hello, tenant: dwayne, ${IMAGE}, dependsOn: ["mysql primary"] }`),
      /apps\[0\]\.dependsOn\[0\]: "mysql primary" is not a fully qualified DNS name/],
    ['a relative probe path',
      withApps(`{ name: hello, tenant: dwayne, ${IMAGE}, probePath: healthz }`),
      /apps\[0\]\.probePath: "healthz" must be an absolute HTTP path such as "\/healthz"/],
    ['a misspelt key, with a suggestion',
      withApps(`{ name: hello, tenant: dwayne, ${IMAGE}, replica: 2 }`),
      /apps\[0\]\.replica: unknown key "replica"; did you mean "replicas"\?/],
    ['a CPU target above 100 percent',
      withApps(`{ name: hello, tenant: dwayne, ${IMAGE}, autoscaling: { minReplicas: 1, maxReplicas: 2, cpuUtilization: 120 } }`),
      /apps\[0\]\.autoscaling\.cpuUtilization: 120 must be at most 100/],
    ['a NodePort client that is not a CIDR',
      withApps(`{ name: hello, tenant: dwayne, ${IMAGE}, nodePort: 30002, nodePortClients: [10.10.10.5] }`),
      /apps\[0\]\.nodePortClients\[0\]: "10\.10\.10\.5" is not an IPv4 CIDR block/],
  ];

  test('an app that uses MySQL must be in the MySQL client allow-list (mysql.clients)', () => {
    // GIVEN an app in tenant demo that uses MySQL, and an allow-list with only dwayne
    const [app] = parseConfig(`${withApps(`{ name: hello, tenant: demo, ${IMAGE}, mysql: true }`)}mysql:\n  clients: [demo]\n`).apps;
    const problems = new ProblemList();
    // WHEN cross-checked with MySQL on, then off
    checkAppsConfig({ apps: [app], tenants: [{ name: 'dwayne' }, { name: 'demo' }], mysql: { enabled: true, clients: ['dwayne'] } }, problems);
    const off = new ProblemList();
    checkAppsConfig({ apps: [app], tenants: [{ name: 'dwayne' }, { name: 'demo' }], mysql: { enabled: false, clients: ['dwayne'] } }, off);
    // THEN the enabled case names the allow-list; the disabled one says MySQL is off (an app that needs a database
    // must not synthesize silently without its flow)
    expect(problems.all).toEqual(['apps[0].mysql: tenant "demo" is not in mysql.clients, the MySQL client allow-list; add it there or set mysql: false.']);
    expect(off.all).toEqual(['apps[0].mysql: true, but mysql.enabled is false; enable the mysql section or set mysql: false here.']);
  });

  test.each(CASES)('refuses %s', (_label, yaml, message) => {
    // GIVEN a bad apps: section WHEN parsed THEN one problem says what and how to fix it
    expect(problemsOf(yaml).join('\n')).toMatch(message);
  });
});
