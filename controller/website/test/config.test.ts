import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ConfigError, listenAddress, loadConfig, pinnedImage, podResources } from '../src/config';
import { ENV, RESOURCES } from './fixtures';

const without = (name: string) => {
  const env = { ...ENV };
  delete env[name];
  return env;
};

describe('loadConfig', () => {
  test('reads the contract\'s environment, with the documented defaults', () => {
    const c = loadConfig(ENV);
    expect(c).toEqual({
      podNamespace: 'website',
      podName: 'website-controller-7d9f-abcde',
      namespaces: ['demo', 'shop'],
      nginxImage: 'nginxinc/nginx-unprivileged:1.30.4-alpine',
      gitSyncImage: 'registry.k8s.io/git-sync/git-sync:v4.4.2',
      resources: RESOURCES,
      exposed: new Set(['demo/xxhf']),
      leaseName: 'website-controller',
      metricsAddress: { port: 8080 },
      logLevel: 'info',
    });
  });

  test('LEASE_NAME, METRICS_ADDR and LOG_LEVEL override the defaults', () => {
    const c = loadConfig({ ...ENV, LEASE_NAME: 'web-lease', METRICS_ADDR: '127.0.0.1:0', LOG_LEVEL: 'DEBUG' });
    expect([c.leaseName, c.metricsAddress, c.logLevel]).toEqual(['web-lease', { host: '127.0.0.1', port: 0 }, 'debug']);
  });

  test('an empty WEBSITE_NAMESPACES manages nothing', () => {
    expect(loadConfig({ ...ENV, WEBSITE_NAMESPACES: '' }).namespaces).toEqual([]);
  });

  test.each([
    ['POD_NAMESPACE', /^POD_NAMESPACE is not set\. Fix: set it from the downward API/],
    ['POD_NAME', /^POD_NAME is not set\. Fix: /],
    ['WEBSITE_NGINX_IMAGE', /^WEBSITE_NGINX_IMAGE is not set\. Fix: /],
    ['WEBSITE_GIT_SYNC_IMAGE', /^WEBSITE_GIT_SYNC_IMAGE is not set\. Fix: /],
    ['WEBSITE_POD_RESOURCES', /^WEBSITE_POD_RESOURCES is not set\. Fix: set it to JSON like/],
  ])('a missing %s is named, with the fix', (name, message) => {
    expect(() => loadConfig(without(name))).toThrow(ConfigError);
    expect(() => loadConfig(without(name))).toThrow(message);
  });

  test.each([
    [{ POD_NAMESPACE: 'Website' }, /POD_NAMESPACE="Website" is not a valid namespace name\. Fix:/],
    [{ WEBSITE_NAMESPACES: 'demo,Shop_1' }, /WEBSITE_NAMESPACES="Shop_1" is not a valid namespace name/],
    [{ WEBSITE_EXPOSED: 'xxhf' }, /WEBSITE_EXPOSED entry "xxhf" is not <namespace>\/<website>\. Fix: give comma-separated entries like "demo\/xxhf"/],
    [{ WEBSITE_NGINX_IMAGE: 'nginxinc/nginx-unprivileged' }, /WEBSITE_NGINX_IMAGE="nginxinc\/nginx-unprivileged" is not a pinned image reference.*Fix: set WEBSITE_NGINX_IMAGE to the reference from lib\/versions.ts/],
    [{ WEBSITE_GIT_SYNC_IMAGE: 'registry.k8s.io/git-sync/git-sync:latest' }, /WEBSITE_GIT_SYNC_IMAGE=".*:latest" is not a pinned image reference/],
    [{ WEBSITE_POD_RESOURCES: '{nginx' }, /WEBSITE_POD_RESOURCES="\{nginx" is not JSON .*Fix: set WEBSITE_POD_RESOURCES to JSON like/],
    [{ WEBSITE_POD_RESOURCES: JSON.stringify({ nginx: RESOURCES.nginx }) }, /WEBSITE_POD_RESOURCES: "gitSync" must be an object with requests and limits, got nothing/],
    [{ WEBSITE_POD_RESOURCES: JSON.stringify({ ...RESOURCES, gitSync: { requests: { cpu: 'lots', memory: '1Mi' }, limits: { memory: '1Mi' } } }) }, /WEBSITE_POD_RESOURCES: gitSync\.requests\.cpu is "lots", which is not a Kubernetes quantity/],
    [{ WEBSITE_POD_RESOURCES: JSON.stringify({ ...RESOURCES, nginx: { requests: { cpu: '1m', memory: '1Mi' } } }) }, /WEBSITE_POD_RESOURCES: nginx\.limits\.memory is missing/],
    [{ LEASE_NAME: 'Lease!' }, /LEASE_NAME="Lease!" is not a valid Lease name/],
    [{ METRICS_ADDR: '8080' }, /METRICS_ADDR="8080" is not a listen address\. Fix: set METRICS_ADDR to host:port or :port/],
    [{ LOG_LEVEL: 'verbose' }, /LOG_LEVEL="verbose" is not a log level\. Fix: set LOG_LEVEL to one of debug, info, warn, error/],
    [{ KUBECONFIG: '/nonexistent/kubeconfig' }, /The kubeconfig "\/nonexistent\/kubeconfig" \(from --kubeconfig or KUBECONFIG\) does not exist\. Fix:/],
  ])('%j is refused with the variable, the value and the fix', (env, message) => {
    expect(() => loadConfig({ ...ENV, ...env })).toThrow(message);
  });

  test('--kubeconfig (or KUBECONFIG) selects a kubeconfig file; unknown arguments are refused', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'website-controller-')), 'kubeconfig');
    fs.writeFileSync(file, 'apiVersion: v1\nkind: Config\n');
    expect(loadConfig(ENV, ['--kubeconfig', file]).kubeconfig).toBe(file);
    expect(loadConfig(ENV, [`--kubeconfig=${file}`]).kubeconfig).toBe(file);
    expect(loadConfig({ ...ENV, KUBECONFIG: file }).kubeconfig).toBe(file);
    expect(() => loadConfig(ENV, ['--kubeconfig'])).toThrow(/--kubeconfig needs a path/);
    expect(() => loadConfig(ENV, ['--verbose'])).toThrow(/Unknown argument "--verbose"\. Fix: the only flag is --kubeconfig/);
  });
});

describe('parsers', () => {
  test('pinnedImage accepts tags and digests, also behind a registry port', () => {
    expect(pinnedImage('X', 'registry.local:5000/nginx:1.30')).toBe('registry.local:5000/nginx:1.30');
    expect(pinnedImage('X', `nginx@sha256:${'a'.repeat(64)}`)).toBe(`nginx@sha256:${'a'.repeat(64)}`);
    expect(() => pinnedImage('X', 'registry.local:5000/nginx')).toThrow(/not a pinned image/);
  });

  test('listenAddress reads Go-style addresses', () => {
    expect(listenAddress('A', ':8080')).toEqual({ port: 8080 });
    expect(listenAddress('A', '[::1]:9090')).toEqual({ host: '::1', port: 9090 });
    expect(() => listenAddress('A', ':70000')).toThrow(/not a listen address/);
  });

  test('podResources keeps an absent cpu limit absent', () => {
    expect(podResources('R', JSON.stringify(RESOURCES)).gitSync.limits).toEqual({ memory: '128Mi' });
  });
});
