import { parse } from 'yaml';
import { grafanaDashboardProvider, grafanaDatasources, grafanaIni } from '../../../lib/observability/config-files/grafana';

/** Minimal INI reader: section -> key -> value. */
function readIni(text: string): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  let section = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith(';') || line.startsWith('#')) continue;
    const sec = /^\[([^\]]+)\]$/.exec(line);
    if (sec) {
      section = sec[1];
      out[section] = {};
      continue;
    }
    const kv = /^([A-Za-z0-9_.]+)\s*=\s*(.*)$/.exec(line);
    if (!kv) throw new Error(`bad ini line: ${line}`);
    out[section][kv[1]] = kv[2];
  }
  return out;
}

describe('grafanaDatasources', () => {
  const opts = { prometheusUrl: 'http://prometheus.monitoring.svc.cluster.local:9090', lokiUrl: 'http://loki.logging.svc.cluster.local:3100/' };
  const cfg = parse(grafanaDatasources(opts));

  it('provisions Prometheus and Loki with fixed uids', () => {
    expect(cfg.apiVersion).toBe(1);
    expect(cfg.datasources.map((d: any) => [d.name, d.type, d.uid, d.access])).toEqual([
      ['Prometheus', 'prometheus', 'prometheus', 'proxy'],
      ['Loki', 'loki', 'loki', 'proxy'],
    ]);
    expect(cfg.datasources[0].url).toBe(opts.prometheusUrl);
    expect(cfg.datasources[1].url).toBe('http://loki.logging.svc.cluster.local:3100');
    expect(cfg.datasources[0].isDefault).toBe(true);
    expect(cfg.datasources[0].jsonData.timeInterval).toBe('30s');
  });

  it('validates URLs and is deterministic', () => {
    expect(() => grafanaDatasources({ ...opts, lokiUrl: 'loki:3100' })).toThrow(/lokiUrl/);
    expect(grafanaDatasources(opts)).toBe(grafanaDatasources(opts));
  });
});

describe('grafanaDashboardProvider', () => {
  it('loads dashboards from files, read-only', () => {
    const cfg = parse(grafanaDashboardProvider());
    expect(cfg.apiVersion).toBe(1);
    expect(cfg.providers).toHaveLength(1);
    expect(cfg.providers[0]).toMatchObject({
      type: 'file',
      orgId: 1,
      folder: 'Platform Kit',
      disableDeletion: true,
      allowUiUpdates: false,
      options: { path: '/var/lib/grafana/dashboards' },
    });
    expect(parse(grafanaDashboardProvider({ path: '/dash', folder: 'X' })).providers[0].options.path).toBe('/dash');
  });
});

describe('grafanaIni', () => {
  const ini = readIni(grafanaIni({ rootUrl: 'https://grafana.lab.lan/' }));

  it('turns off phone-home, gravatar, sign-up and anonymous access', () => {
    expect(ini.analytics).toEqual({
      reporting_enabled: 'false',
      check_for_updates: 'false',
      check_for_plugin_updates: 'false',
      feedback_links_enabled: 'false',
    });
    expect(ini.security.disable_gravatar).toBe('true');
    expect(ini['auth.anonymous'].enabled).toBe('false');
    expect(ini.users.allow_sign_up).toBe('false');
    expect(ini.news.news_feed_enabled).toBe('false');
    expect(ini.server).toEqual({ http_port: '3000', root_url: 'https://grafana.lab.lan/' });
  });

  it('reads the admin password from a file via $__file{}', () => {
    expect(ini.security.admin_user).toBe('admin');
    expect(ini.security.admin_password).toBe('$__file{/etc/grafana/secrets/admin-password}');
    const custom = readIni(grafanaIni({ adminUser: 'root', adminPasswordFile: '/run/secrets/pw' }));
    expect(custom.security.admin_password).toBe('$__file{/run/secrets/pw}');
    expect(() => grafanaIni({ adminPasswordFile: 'pw' })).toThrow(/absolute/);
    expect(() => grafanaIni({ adminUser: 'a b' })).toThrow(/adminUser/);
  });

  it('can read the admin user from a file too', () => {
    const fromFile = readIni(grafanaIni({ adminUserFile: '/etc/grafana/secrets/admin-user' }));
    expect(fromFile.security.admin_user).toBe('$__file{/etc/grafana/secrets/admin-user}');
    expect(() => grafanaIni({ adminUserFile: 'user' })).toThrow(/adminUserFile must be an absolute path/);
  });

  it('never downloads plugins or signing keys (air-gapped clusters)', () => {
    expect(ini.plugins).toEqual({ preinstall_disabled: 'true', public_key_retrieval_disabled: 'true' });
  });

  it('is deterministic', () => {
    expect(grafanaIni()).toBe(grafanaIni());
  });
});
