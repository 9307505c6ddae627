import { Testing } from 'cdk8s';
import { ControllerPods } from '../../lib/core/controller-pods';
import { DEFAULT_WEBSITE_POD_RESOURCES } from '../../lib/websites/defaults';
import { Website, WebsiteProps } from '../../lib/websites/website';
import { resources } from '../../lib/core/security';
import { testChart } from '../support/helpers';

const REPO = 'https://gitee.com/rocrunning/kubia-website-example.git';

describe('Website (the typed construct)', () => {
  test('defaults: name from the id, branch main, syncPeriod 60s, 1 replica, not exposed — each written out', () => {
    // GIVEN only the required props
    const chart = testChart();
    const w = new Website(chart, 'xxhf', { namespace: 'demo', gitRepo: REPO });
    // THEN
    expect(w.name).toBe('xxhf');
    expect(w.serviceName).toBe('xxhf-website');
    expect(w.servicePort).toBe(80);
    expect(w.pods).toEqual({ kind: 'pods', name: 'xxhf-website', namespace: 'demo', selector: { 'app.kubernetes.io/name': 'website', 'app.kubernetes.io/instance': 'xxhf' } });
    expect(Testing.synth(chart)).toEqual([{
      apiVersion: 'extensions.example.com/v1',
      kind: 'Website',
      metadata: {
        name: 'xxhf', namespace: 'demo',
        labels: { 'app.kubernetes.io/name': 'website', 'app.kubernetes.io/instance': 'xxhf', 'app.kubernetes.io/part-of': 'platform-kit', 'app.kubernetes.io/managed-by': 'platform-kit' },
      },
      spec: { gitRepo: REPO, branch: 'main', syncPeriod: '60s', replicas: 1 },
    }]);
    const [pods] = ControllerPods.all(chart);
    expect(pods.toManifest()).toMatchObject({ spec: { replicas: 1, template: { metadata: { labels: { 'app.kubernetes.io/managed-by': 'website-controller' } } } } });
    expect((pods.toManifest() as any).spec.template.metadata.labels['platform-kit.io/exposed']).toBeUndefined();
    expect(pods.surge).toBe(1);
  });

  test('every prop', () => {
    const props: Required<WebsiteProps> = {
      namespace: 'team-a', gitRepo: 'git@git.lab.example:web/site.git', name: 'docs', branch: 'release/1.2', syncPeriod: '5m', replicas: 3,
      podResources: { nginx: resources('20m', '32Mi', '200m', '64Mi'), gitSync: DEFAULT_WEBSITE_POD_RESOURCES.gitSync }, exposed: true,
    };
    const chart = testChart();
    new Website(chart, 'Docs', props);
    expect(Testing.synth(chart)[0].spec).toEqual({ gitRepo: props.gitRepo, branch: 'release/1.2', syncPeriod: '5m', replicas: 3 });
    const manifest: any = ControllerPods.all(chart)[0].toManifest();
    expect(manifest.metadata).toMatchObject({ name: 'docs-website', namespace: 'team-a' });
    expect(manifest.spec.replicas).toBe(3);
    expect(manifest.spec.template.metadata.labels['platform-kit.io/exposed']).toBe('true');
    expect(manifest.spec.template.spec.containers[0].resources).toEqual({ requests: { cpu: '20m', memory: '32Mi' }, limits: { cpu: '200m', memory: '64Mi' } });
  });

  test.each([
    ['name', { name: 'Not_A_Label' }, /^Website Test\/site: name "Not_A_Label" is not a DNS label; use lowercase letters, digits and "-" \(example: "xxhf"\)\.$/],
    ['name length', { name: 'a'.repeat(56) }, /name "a{56}" is longer than 55 characters; the Service <name>-website must be a DNS label — shorten it\./],
    ['namespace', { namespace: 'Demo' }, /namespace "Demo" is not a DNS label/],
    ['gitRepo', { gitRepo: 'gitee.com/x.git' }, /gitRepo "gitee\.com\/x\.git" is not a git URL git-sync can clone; write https:\/\/host\/path, ssh:\/\/git@host\/path or git@host:path/],
    ['gitRepo credentials', { gitRepo: 'https://user:pw@gitee.com/x.git' }, /gitRepo: "https:\/\/user:\*\*\*@gitee\.com\/x\.git" is a https:\/\/ URL with a password in it/],
    ['branch', { branch: 'a..b' }, /branch "a\.\.b" is not a git ref name; .* \(example: "master"\)\./],
    ['syncPeriod', { syncPeriod: '1d' }, /syncPeriod "1d" is not a period; write a whole number of s, m or h/],
    ['replicas', { replicas: 0 }, /replicas 0 must be a whole number from 1 to 10\./],
  ])('refuses a bad %s early, naming the prop, the value and the fix', (_prop, bad, message) => {
    expect(() => new Website(testChart(), 'site', { namespace: 'demo', gitRepo: REPO, ...bad })).toThrow(message);
  });
});
