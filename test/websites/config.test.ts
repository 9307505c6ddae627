import * as fs from 'fs';
import * as path from 'path';
import { parse, stringify } from 'yaml';
import { parseConfig } from '../../lib/config/load';
import { PROJECT_ROOT } from '../../lib/core/paths';
import { DEFAULT_CONTROLLER_IMAGE, DEFAULT_CONTROLLER_REPLICAS, DEFAULT_WEBSITE_POD_RESOURCES } from '../../lib/websites/defaults';
import { problemsOf } from '../support/helpers';

const DEFAULT = parse(fs.readFileSync(path.join(PROJECT_ROOT, 'platform.yaml'), 'utf8'));
const site = { name: 'xxhf', tenant: 'demo', gitRepo: 'https://gitee.com/rocrunning/kubia-website-example.git' };

/** The default platform with its `websites:` section replaced. */
function withWebsites(websites: Record<string, unknown>): string {
  return stringify({ ...DEFAULT, websites: { enabled: true, gitHosts: ['180.76.0.0/16'], ...websites } });
}

describe('websites: section defaults', () => {
  test('omitted, the part is off; enabled, every key has its documented default', () => {
    const { websites: _omit, ...rest } = DEFAULT;
    expect(parseConfig(stringify(rest)).websites).toMatchObject({ enabled: false, sites: [], gitHosts: [] });
    const w = parseConfig(withWebsites({ sites: [site] })).websites;
    expect(w.namespace).toBe('website');
    expect(w.controller).toEqual({ image: DEFAULT_CONTROLLER_IMAGE, replicas: DEFAULT_CONTROLLER_REPLICAS, resources: expect.any(Object), logLevel: 'info' });
    expect(DEFAULT_CONTROLLER_REPLICAS).toBe(2);
    expect(w.podResources).toEqual(DEFAULT_WEBSITE_POD_RESOURCES);
    expect(w.sites[0]).toEqual({ ...site, branch: 'main', syncPeriod: '60s', replicas: 1 });
  });

  test('the default controller image is a pinned placeholder under .invalid', () => {
    expect(DEFAULT_CONTROLLER_IMAGE.repository.split('/')[0]).toMatch(/\.invalid$/);
    expect(DEFAULT_CONTROLLER_IMAGE.tag).toMatch(/^\d+\.\d+\.\d+$/);
  });
});

describe('websites: config errors name the key, the value and the fix', () => {
  test.each([
    ['a tenant that does not exist', { sites: [{ ...site, tenant: 'nope' }] },
      /^websites\.sites\[0\]\.tenant: "nope" is not a tenant; add it under tenants: or use one of "dwayne", "demo"\./],
    ['two sites of one name in one tenant', { sites: [site, { ...site, gitRepo: 'https://gitee.com/x/y.git' }] },
      /^websites\.sites\[1\]\.name: "xxhf" is already websites\.sites\[0\] in tenant "demo"; names must be unique per tenant .* rename one\./],
    ['one host claimed by two sites', { sites: [{ ...site, host: 'www.lab.example' }, { ...site, tenant: 'dwayne', host: 'www.lab.example' }] },
      /^websites\.sites\[1\]\.host: "www\.lab\.example" is already websites\.sites\[0\]\.host; each host is served by one site/],
    ['sites but no gitHosts', { gitHosts: [], sites: [site] },
      /^websites\.gitHosts: empty, but 1 site\(s\) need git-sync to reach their repositories .*; list the git hosts' addresses as CIDRs/],
    ['a gitHost over the pod network', { gitHosts: ['10.244.0.0/16'], sites: [site] },
      /^websites\.gitHosts\[0\]: "10\.244\.0\.0\/16" overlaps the pod network 10\.244\.0\.0\/16 \(cluster\.podCidr\); .* list their own addresses\./],
    ['a gitRepo with a token in it', { sites: [{ ...site, gitRepo: 'https://ghp_abc@github.com/x/y.git' }] },
      /^websites\.sites\[0\]\.gitRepo: "https:\/\/\*\*\*@github\.com\/x\/y\.git" is an https:\/\/ URL with a user name or token in it .* give the URL without credentials/],
    ['a name too long for its Service', { sites: [{ ...site, name: 'a'.repeat(56) }] },
      /^websites\.sites\[0\]\.name: "a{56}" is longer than 55 characters; the Service <name>-website must be a DNS label — shorten it\./],
    ['tlsSecretName without host', { sites: [{ ...site, tlsSecretName: 'x-tls' }] },
      /^websites\.sites\[0\]\.tlsSecretName: "x-tls" is set but host is not; add host .* or remove tlsSecretName\./],
    ['a host without a domain', { sites: [{ ...site, host: 'xxhf' }] },
      /^websites\.sites\[0\]\.host: "xxhf" has no domain; use a full name such as "xxhf\.lab\.example"\./],
    ['a request above its limit', { podResources: { nginx: { requests: { cpu: '1', memory: '16Mi' }, limits: { cpu: '100m', memory: '64Mi' } } }, sites: [site] },
      /^websites\.podResources\.nginx\.requests\.cpu: "1" is above limits\.cpu \("100m"\); Kubernetes refuses such a pod — lower the request or raise the limit\./],
  ])('%s', (_what, websites, message) => {
    // (the loader adds the line of the key: " (line N)")
    const problems = problemsOf(withWebsites(websites));
    expect(problems.filter((p) => message.test(p))).toHaveLength(1);
  });

  test.each([
    ['a gitRepo without a scheme', { ...site, gitRepo: 'gitee.com/x.git' }, /websites\.sites\[0\]\.gitRepo/],
    ['a branch with ..', { ...site, branch: 'a..b' }, /websites\.sites\[0\]\.branch/],
    ['a syncPeriod in days', { ...site, syncPeriod: '1d' }, /websites\.sites\[0\]\.syncPeriod/],
    ['replicas 11', { ...site, replicas: 11 }, /websites\.sites\[0\]\.replicas/],
  ])('the schema refuses %s, with the same bounds as the CRD', (_what, bad, key) => {
    const problems = problemsOf(withWebsites({ sites: [bad] }));
    expect(problems.some((p) => key.test(p))).toBe(true);
  });

  test('an unpinned controller image is refused', () => {
    const problems = problemsOf(withWebsites({ controller: { image: { repository: 'registry.lab.example/website-controller', tag: 'latest' } } }));
    expect(problems.some((p) => /^websites\.controller\.image\.tag: "latest" is not a pinned image tag/.test(p))).toBe(true);
  });

  test('a disabled section is not cross-checked (its sites name no tenant that must exist)', () => {
    expect(problemsOf(stringify({ ...DEFAULT, websites: { enabled: false, sites: [{ ...site, tenant: 'nope' }] } }))).toEqual([]);
  });
});
