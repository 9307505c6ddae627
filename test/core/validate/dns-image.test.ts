import { imageName } from '../../../lib/core/security';
import { imageRef } from '../../../lib/observability/config-files';
import { DNS_LABEL, imageProblems, isDnsLabel, isDnsSubdomain, problemOf, requirePinnedImage } from '../../../lib/core/validate';

describe('DNS names', () => {
  test.each([['a', true], ['team-a', true], ['a'.repeat(63), true], ['a'.repeat(64), false], ['Team', false], ['-a', false], ['a-', false], ['a.b', false], ['', false]])(
    'isDnsLabel(%j) → %s', (value, ok) => {
      expect(isDnsLabel(value)).toBe(ok);
    },
  );

  test.each([['grafana.lab.example', true], ['a', true], [`${'a'.repeat(63)}.${'b'.repeat(63)}`, true], ['a'.repeat(254), false], ['a..b', false], ['A.b', false]])(
    'isDnsSubdomain(%j) → %s', (value, ok) => {
      expect(isDnsSubdomain(value)).toBe(ok);
    },
  );

  test('a message names the field, the value and the fix', () => {
    expect(problemOf(DNS_LABEL, 'Team_A', 'tenants[0].name')).toBe('tenants[0].name: "Team_A" ' + DNS_LABEL.explain);
    expect(problemOf(DNS_LABEL, 'team-a', 'tenants[0].name')).toBeUndefined();
  });
});

describe('image pins', () => {
  test.each(['registry.lab:5000/prom/prometheus', 'registry.Lab.example/prom/prometheus', 'localhost/x', 'mirror:5000/x', 'nginx', 'prom/mysqld-exporter'])('%j pinned to a tag passes', (repository) => {
    expect(imageProblems({ repository, tag: 'v3.4.1' }, 'x')).toEqual([]);
  });

  test.each([
    [{ repository: 'nginx', tag: 'latest' }, /^app\.image\.tag: "latest" is not a pinned image tag/],
    [{ repository: 'nginx', tag: '' }, /^app\.image\.tag: "" is not a pinned image tag/],
    [{ repository: 'nginx:1.27', tag: '1.27' }, /^app\.image\.repository: "nginx:1\.27" is not an image repository/],
    [{ repository: 'Nginx', tag: '1.27' }, /^app\.image\.repository: "Nginx" is not an image repository/],
    [{ repository: 'Prom/mysqld-exporter', tag: '1.27' }, /^app\.image\.repository: "Prom\/mysqld-exporter" is not an image repository/],
    [{ repository: 'nginx/', tag: '1.27' }, /^app\.image\.repository: "nginx\/" is not an image repository/],
  ])('refuses %j', (image, message) => {
    expect(imageProblems(image, 'app.image')[0]).toMatch(message);
    expect(() => requirePinnedImage(image, 'app.image')).toThrow(message);
  });

  test('the example is the part\'s own default image', () => {
    expect(imageProblems({ repository: 'mysql', tag: 'latest' }, 'mysql.image', { repository: 'mysql', tag: '8.4.6' })[0]).toMatch(/such as "8\.4\.6"/);
  });
});

describe('every image a construct writes goes through the validator', () => {
  test('imageName (core) and imageRef (observability) refuse an unpinned image', () => {
    expect(() => imageName({ repository: 'nginx', tag: 'latest' })).toThrow(/^image\.tag: "latest" is not a pinned image tag/);
    expect(() => imageRef({ repository: 'grafana/loki', tag: '' })).toThrow(/^image\.tag: "" is not a pinned image tag/);
    expect(imageRef({ repository: 'grafana/loki', tag: '3.5.10' })).toBe('grafana/loki:3.5.10');
  });
});
