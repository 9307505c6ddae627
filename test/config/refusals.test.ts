import { CLUSTER_ADDON_NAMESPACES } from '../../lib/tenancy/config';
import { TenantNamespace } from '../../lib/tenancy/tenant-namespace';
import { WebApp } from '../../lib/apps/web-app';
import { ArgoApplication } from '../../lib/gitops/argo-application';
import { MINIMAL_CLUSTER, problemsOf, testChart } from '../support/helpers';

const IMAGE = 'image: { repository: nginxinc/nginx-unprivileged, tag: 1.27.4-alpine }';
const TENANT = 'tenants:\n  - name: team\n';

describe('synth refuses what would not apply or not mean what the config said', () => {
  test.each([
    ['an empty RBAC subject', `${MINIMAL_CLUSTER}tenants:\n  - name: team\n    admins: { users: [""] }\n`,
      /^tenants\[0\]\.admins\.users\[0\]: "" is empty; give the user name, or remove the entry\. \(line 8\)$/],
    ['system:anonymous as a viewer', `${MINIMAL_CLUSTER}tenants:\n  - name: team\n    viewers: { users: ["system:anonymous"] }\n`,
      /^tenants\[0\]\.viewers\.users\[0\]: "system:anonymous" stands for every unauthenticated request; .*Name the real users or groups instead\. \(line 8\)$/],
    ['system:masters as admins', `${MINIMAL_CLUSTER}tenants:\n  - name: team\n    admins: { groups: ["system:masters"] }\n`,
      /^tenants\[0\]\.admins\.groups\[0\]: "system:masters" stands for cluster-admin holders/],
    ['system:unauthenticated as admins', `${MINIMAL_CLUSTER}tenants:\n  - name: team\n    admins: { groups: [system:unauthenticated] }\n`,
      /^tenants\[0\]\.admins\.groups\[0\]: "system:unauthenticated" stands for every unauthenticated request/],
    ['a quota below the LimitRange default request', `${MINIMAL_CLUSTER}tenants:\n  - name: team\n    quota: { cpu: 50m }\n    limits: { defaultRequest: { cpu: 100m } }\n`,
      /^tenants\[0\]\.quota\.cpu: "50m" is below limits\.defaultRequest\.cpu \("100m"\), what one container without its own resources gets; no such pod would be admitted\. Raise the quota or lower limits\.defaultRequest\.cpu\. \(line 8\)$/],
    ['a limits quota below the LimitRange default limit', `${MINIMAL_CLUSTER}tenants:\n  - name: team\n    quota: { limitsMemory: 128Mi }\n`,
      /^tenants\[0\]\.quota\.limitsMemory: "128Mi" is below limits\.default\.memory/],
    ['an app host equal to Grafana\'s', `${MINIMAL_CLUSTER}${TENANT}observability:\n  grafana: { host: grafana.lab.example }\napps:\n  - { name: web, tenant: team, ${IMAGE}, ingress: { host: grafana.lab.example } }\n`,
      /^apps\[0\]\.ingress\.host: "grafana\.lab\.example" is already the host of observability\.grafana\.host; each exposed service needs its own host name .*\(line 11\)$/],
    ['a tenant named after Calico\'s namespace', `${MINIMAL_CLUSTER}tenants:\n  - name: calico-system\n`,
      /^tenants\[0\]\.name: "calico-system" is reserved \(the namespace Calico runs in; default-deny there would cut the cluster's network or the add-on\); choose another name\./],
    ['a tenant named after tigera-operator', `${MINIMAL_CLUSTER}tenants:\n  - name: tigera-operator\n`, /"tigera-operator" is reserved \(the namespace the Tigera \(Calico\) operator runs in/],
    ['a tenant named kube-flannel', `${MINIMAL_CLUSTER}tenants:\n  - name: kube-flannel\n`, /"kube-flannel" is reserved \(the namespace flannel runs in/],
    ['a tenant named cert-manager', `${MINIMAL_CLUSTER}tenants:\n  - name: cert-manager\n`, /"cert-manager" is reserved/],
    ['a tenant named metallb-system', `${MINIMAL_CLUSTER}tenants:\n  - name: metallb-system\n`, /"metallb-system" is reserved/],
    ['a tenant named kube-node-lease', `${MINIMAL_CLUSTER}tenants:\n  - name: kube-node-lease\n`, /"kube-node-lease" is reserved \(a Kubernetes system namespace\)/],
    ['MySQL in an add-on namespace', `${MINIMAL_CLUSTER}tenants: []\nmysql:\n  namespace: longhorn-system\n`, /^mysql\.namespace: "longhorn-system" is the namespace Longhorn runs in/],
    ['observability in an add-on namespace', `${MINIMAL_CLUSTER}observability:\n  namespaces: { nodeAgents: kube-flannel }\n`,
      /^observability\.namespaces\.nodeAgents: "kube-flannel" is the namespace flannel runs in; .*keep the default "node-agents" or choose a new name\. \(line 7\)$/],
    ['a pod CIDR with a leading zero (the evaluator would skip it)', MINIMAL_CLUSTER.replace('cluster:\n', 'cluster:\n  podCidr: 010.244.0.0/16\n'),
      /^cluster\.podCidr: "010\.244\.0\.0\/16" is not an IPv4 CIDR block .*without leading zeros.* \(line 2\)$/],
    ['a node IP with a leading zero', MINIMAL_CLUSTER.replace('10.0.0.2', '10.0.0.02'), /^cluster\.nodes\[1\]\.ip: "10\.0\.0\.02" is not an IPv4 address/],
    ['a backup schedule out of range', `${MINIMAL_CLUSTER}tenants: []\nmysql:\n  backup: { schedule: "99 99 99 99 99" }\n`,
      /^mysql\.backup\.schedule: "99 99 99 99 99" is not a cron schedule; write five fields .* \(line 8\)$/],
    ['an image repository with capitals', `${MINIMAL_CLUSTER}tenants: []\nmysql:\n  exporterImage: { repository: Prom/mysqld-exporter }\n`,
      /^mysql\.exporterImage\.repository: "Prom\/mysqld-exporter" is not an image repository/],
    ['a dependency without its domain (WebApp would refuse it after the loader)', `${MINIMAL_CLUSTER}${TENANT}apps:\n  - { name: web, tenant: team, ${IMAGE}, dependsOn: [db] }\n`,
      /^apps\[0\]\.dependsOn\[0\]: "db" is not a fully qualified DNS name; give the name with its domain/],
    ['a Secret key with a slash', `${MINIMAL_CLUSTER}${TENANT}apps:\n  - { name: web, tenant: team, ${IMAGE}, secretEnv: { X: { secretName: s, key: "a/b" } } }\n`,
      /^apps\[0\]\.secretEnv\.X\.key: "a\/b" is not a key a Secret or ConfigMap can have/],
    ['a MySQL volume of size 0 (MySqlCluster would refuse it after the loader)', `${MINIMAL_CLUSTER}tenants: []\nmysql: { pvSize: "0", requestSize: "0", backup: { size: "0" } }\n`,
      /^mysql\.pvSize: "0" must be above 0 \(example: "5Gi"\); a volume of nothing holds no data\. \(line 7\)$/],
    ['NodePort clients inside the pod network', `${MINIMAL_CLUSTER}${TENANT}apps:\n  - { name: web, tenant: team, ${IMAGE}, nodePort: 30001, nodePortClients: [10.244.0.0/16, 10.244.3.0/24, 0.0.0.0/0] }\n`,
      /^apps\[0\]\.nodePortClients\[1\]: "10\.244\.3\.0\/24" lies in the pod network \(cluster\.podCidr 10\.244\.0\.0\/16\); list the outside addresses/],
    ['a password in gitops.repoURL', `${MINIMAL_CLUSTER}gitops:\n  repoURL: https://bot:hunter2@git.lab.example/platform.git\n`,
      /^gitops\.repoURL: "https:\/\/bot:\*\*\*@git\.lab\.example\/platform\.git" is a https:\/\/ URL with a password in it .*`argocd repo add`\)?\. \(line 7\)$/],
    ['a token as the user of gitops.repoURL', `${MINIMAL_CLUSTER}gitops:\n  repoURL: https://ghp_x1y2@github.com/o/p.git\n`, /^gitops\.repoURL: "https:\/\/\*\*\*@github\.com\/o\/p\.git" is an https:\/\/ URL with a user name or token in it/],
    ['a token in the Alertmanager webhook', `${MINIMAL_CLUSTER}observability:\n  alertmanager:\n    webhookUrl: http://hook:s3cret@10.10.10.50:9000/alerts\n`,
      /^observability\.alertmanager\.webhookUrl: "http:\/\/hook:\*\*\*@10\.10\.10\.50:9000\/alerts" is a http:\/\/ URL with a password in it.*webhookUrlSecretName/],
    ['a DSN with a password in app config', `${MINIMAL_CLUSTER}${TENANT}apps:\n  - { name: web, tenant: team, ${IMAGE}, config: { DB_URL: "mysql://app:pw@mysql-primary.mysql:3306/app" } }\n`,
      /^apps\[0\]\.config\.DB_URL: "mysql:\/\/app:\*\*\*@mysql-primary\.mysql:3306\/app" is a mysql:\/\/ URL with a password in it \(user:password@\), and dist\/ is committed to git; create a Secret and reference it under secretEnv\./],
    ['a website host equal to an app\'s', `${MINIMAL_CLUSTER}${TENANT}apps:\n  - { name: web, tenant: team, ${IMAGE}, ingress: { host: web.lab.example } }\nwebsites:\n  enabled: true\n  gitHosts: [203.0.113.0/24]\n  sites:\n    - { name: docs, tenant: team, gitRepo: "https://git.example.org/docs.git", host: web.lab.example }\n`,
      /^websites\.sites\[0\]\.host: "web\.lab\.example" is already the host of apps\[0\]\.ingress\.host; each exposed service needs its own host name .*\(line 14\)$/],
    ['a 64th host on the Gateway', `${MINIMAL_CLUSTER}${TENANT}gateway: { enabled: true }\nobservability: { enabled: false }\napps:\n${Array.from({ length: 64 }, (_, i) => `  - { name: web${i}, tenant: team, ${IMAGE}, ingress: { host: web${i}.lab.example } }\n`).join('')}`,
      /^apps\[63\]\.ingress\.host: "web63\.lab\.example" would be host number 64 on the Gateway, which takes at most 63 .*or serve them through the Ingress entry \(gateway\.enabled: false\)\. \(line \d+\)$/],
    ['a misspelled backup time zone (the API server would refuse the CronJob)', `${MINIMAL_CLUSTER}tenants: []\nmysql:\n  backup: { timeZone: Europe/Londn }\n`,
      /^mysql\.backup\.timeZone: "Europe\/Londn" is not an IANA time zone name the API server knows .*; did you mean "Europe\/London"\? \(line 8\)$/],
    ['the API server\'s own "Local" zone as a time zone', `${MINIMAL_CLUSTER}tenants: []\nmysql:\n  backup: { timeZone: Local }\n`,
      /^mysql\.backup\.timeZone: "Local" is not an IANA time zone name the API server knows/],
    ['a node memory without its unit (3 bytes), and no eviction advice about a key never set', `${MINIMAL_CLUSTER.replace('memory: 8Gi', 'memory: 3')}tenants: []\n`,
      /^cluster\.nodes\[1\]: w1 \(4 CPU, 3\) is not larger than cluster\.reservedPerNode \(350m CPU, 640Mi\) \(memory "3" is 3 bytes: write a unit, e\.g\. "3Gi"\); check the node's size or lower reservedPerNode\. \(line 4\)$/],
    ['a config over the 1 MiB ConfigMap limit', `${MINIMAL_CLUSTER}${TENANT}apps:\n  - { name: web, tenant: team, ${IMAGE}, config: { A: "${'x'.repeat(600_000)}", B: "${'y'.repeat(600_000)}" } }\n`,
      /^apps\[0\]\.config: 1200002 bytes of keys and values, above the 1048576 bytes \(1 MiB\) the API server allows in one ConfigMap/],
  ])('%s', (_name, yaml, message) => {
    // GIVEN the config WHEN loaded THEN the problem is named with its fix
    expect(problemsOf(yaml)).toEqual(expect.arrayContaining([expect.stringMatching(message)]));
  });

  test('a node too small for its reservation is one problem: no eviction advice (with a negative size) follows from it', () => {
    const problems = problemsOf(`${MINIMAL_CLUSTER.replace('memory: 8Gi', 'memory: 3')}tenants: []\n`);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^cluster\.nodes\[1\]: w1 /);
  });

  test('a password never appears in the message that refuses it', () => {
    expect(problemsOf(`${MINIMAL_CLUSTER}gitops:\n  repoURL: https://bot:hunter2@git.lab.example/platform.git\n`).join('\n')).not.toMatch(/hunter2/);
  });

  test('ordinary values pass: ssh repository URLs, plain hosts, service names', () => {
    expect(problemsOf(`${MINIMAL_CLUSTER}${TENANT}gitops:\n  repoURL: ssh://git@git.lab.example/ops/platform.git\napps:\n  - { name: web, tenant: team, ${IMAGE}, ingress: { host: web.lab.example }, config: { DB_HOST: mysql-primary.mysql.svc.cluster.local } }\n`)).toEqual([]);
  });
});

describe('a tenant may not take a namespace the cluster\'s add-ons run in', () => {
  test.each(Object.keys(CLUSTER_ADDON_NAMESPACES))('%s', (name) => {
    // GIVEN the ingress controller moved elsewhere, so only the add-on list can refuse ingress-nginx too
    const cluster = MINIMAL_CLUSTER.replace('cluster:\n', 'cluster:\n  ingress: { controllerNamespace: edge }\n');
    expect(problemsOf(`${cluster}tenants:\n  - name: ${name}\n`)).toEqual([expect.stringMatching(new RegExp(`^tenants\\[0\\]\\.name: "${name}" is reserved \\(the namespace .* runs in; default-deny there would cut the cluster's network or the add-on\\)`))]);
  });

  test.each(['calico-system', 'calico-apiserver', 'tigera-operator', 'kube-flannel', 'cert-manager', 'metallb-system', 'ingress-nginx', 'longhorn-system', 'local-path-storage'])('the list has %s', (name) => {
    expect(Object.keys(CLUSTER_ADDON_NAMESPACES)).toContain(name);
  });
});

describe('references to a part that is switched off', () => {
  const APP = `apps:\n  - name: web\n    tenant: team\n    ${IMAGE}\n`;

  test('dependsOn on a Service of the disabled MySQL names the field and both fixes', () => {
    const problems = problemsOf(`${MINIMAL_CLUSTER}${TENANT}mysql:\n  enabled: false\n${APP}    dependsOn: [mysql-primary.mysql.svc.cluster.local]\n`);
    expect(problems).toEqual([
      'apps[0].dependsOn[0]: "mysql-primary.mysql.svc.cluster.local" is a Service in namespace "mysql", which is not deployed (mysql.enabled: false), so the app would wait for it forever; set mysql.enabled: true or remove the entry. (line 14)',
    ]);
  });

  test('a config value naming a Service of a disabled part', () => {
    const problems = problemsOf(`${MINIMAL_CLUSTER}${TENANT}observability:\n  enabled: false\n${APP}    config: { LOKI: "http://loki.logging:3100" }\n`);
    expect(problems).toEqual([expect.stringMatching(/^apps\[0\]\.config\.LOKI: "http:\/\/loki\.logging:3100" names a Service in namespace "logging", which is not deployed \(observability\.enabled: false\); set observability\.enabled: true or change the value\. \(line 14\)$/)]);
  });

  test.each([
    ['the registry', 'registry:\n  enabled: false\n', 'dependsOn: [harbor-core.harbor.svc.cluster.local]',
      /^apps\[0\]\.dependsOn\[0\]: "harbor-core\.harbor\.svc\.cluster\.local" is a Service in namespace "harbor", which is not deployed \(registry\.enabled: false\), so the app would wait for it forever; set registry\.enabled: true or remove the entry\./],
    ['Velero without an object store', 'backup:\n  enabled: true\n', 'dependsOn: [velero.velero.svc.cluster.local]',
      /^apps\[0\]\.dependsOn\[0\]: "velero\.velero\.svc\.cluster\.local" is a Service in namespace "velero", which is not deployed \(no backup\.velero\.objectStore\), so the app would wait for it forever; give backup\.velero\.objectStore \(docs\/backup\.md\) or remove the entry\./],
    ['the websites', 'websites:\n  enabled: false\n  sites:\n    - { name: docs, tenant: team, gitRepo: "https://git.example.org/docs.git" }\n', 'config: { DOCS: "http://docs-website.team.svc.cluster.local/" }',
      /^apps\[0\]\.config\.DOCS: "http:\/\/docs-website\.team\.svc\.cluster\.local\/" names the Service "docs-website\.team" of a site, which is not deployed \(websites\.enabled: false\); set websites\.enabled: true or change the value\./],
  ])('a reference to %s, which is not deployed, names the field and the fix', (_part, section, reference, message) => {
    expect(problemsOf(`${MINIMAL_CLUSTER}${TENANT}${section}${APP}    ${reference}\n`)).toEqual([expect.stringMatching(message)]);
  });

  test('a notBackedUp entry in a namespace that is not deployed is stale: named by key, with the reason and both fixes', () => {
    const problems = problemsOf(`${MINIMAL_CLUSTER}${TENANT}observability:\n  enabled: false\nbackup:\n  notBackedUp:\n    - { namespace: monitoring, claim: storage-prometheus-0, reason: "metrics, 15 days, re-collected" }\n`);
    expect(problems).toEqual([expect.stringMatching(/^backup\.notBackedUp\[0\]: "monitoring\/storage-prometheus-0" is in namespace "monitoring", which is not deployed \(observability\.enabled: false\), so there is no such volume; remove the entry \(or set observability\.enabled: true\)\. \(line \d+\)$/)]);
  });

  test('the same names pass while the part is enabled', () => {
    expect(problemsOf(`${MINIMAL_CLUSTER}${TENANT}mysql:\n  clients: [team]\n${APP}    dependsOn: [mysql-primary.mysql.svc.cluster.local]\n    config: { DB_HOST: mysql-primary.mysql.svc.cluster.local }\n`)).toEqual([]);
  });
});

describe('the constructs refuse the same things', () => {
  test('TenantNamespace refuses system:anonymous', () => {
    expect(() => new TenantNamespace(testChart(), 'T', { name: 'team', viewers: { users: ['system:anonymous'] } })).toThrow(/^TenantNamespace team: viewers\.users\[0\]: "system:anonymous" stands for every unauthenticated request/);
  });

  test('WebApp refuses a password in a config value and a config over 1 MiB', () => {
    const base = { name: 'web', namespace: 'team', image: { repository: 'nginx', tag: '1.27' } };
    expect(() => new WebApp(testChart(), 'W', { ...base, config: { DB_URL: 'mysql://a:b@db/x' } })).toThrow(/WebApp "web": config\.DB_URL: "mysql:\/\/a:\*\*\*@db\/x" is a mysql:\/\/ URL with a password in it/);
    expect(() => new WebApp(testChart(), 'W', { ...base, config: { A: 'x'.repeat(1024 * 1024) } })).toThrow(/WebApp "web": config: 1048577 bytes .* above the 1048576 bytes/);
  });

  test('ArgoApplication refuses credentials in repoURL', () => {
    expect(() => new ArgoApplication(testChart(), 'A', { name: 'a', namespace: 'argocd', project: 'p', repoURL: 'https://u:p@git/x', targetRevision: 'main', path: 'dist', wave: 0, destinationNamespace: 'x' } as any)).toThrow(/ArgoApplication a: repoURL: .* with a password in it/);
  });
});
