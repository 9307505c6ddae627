import { parse } from 'yaml';
import { alertmanagerConfig } from '../../../lib/observability/config-files/alertmanager';

describe('alertmanagerConfig', () => {
  it('routes to a null receiver (UI only) when there is no webhook', () => {
    const text = alertmanagerConfig();
    const cfg = parse(text);
    expect(cfg.route).toEqual({
      receiver: 'null',
      group_by: ['alertname', 'namespace'],
      group_wait: '30s',
      group_interval: '5m',
      repeat_interval: '4h',
    });
    expect(cfg.receivers).toEqual([{ name: 'null' }]);
    expect(text).toMatch(/only visible\n# in the Alertmanager UI/);
  });

  it('uses a webhook receiver when a URL (or a URL file) is given', () => {
    const cfg = parse(alertmanagerConfig({ webhookUrl: 'https://hooks.example.lan/alerts', repeatInterval: '12h' }));
    expect(cfg.route.receiver).toBe('webhook');
    expect(cfg.route.repeat_interval).toBe('12h');
    expect(cfg.receivers).toEqual([
      { name: 'webhook', webhook_configs: [{ send_resolved: true, url: 'https://hooks.example.lan/alerts' }] },
    ]);
    const fromFile = parse(alertmanagerConfig({ webhookUrlFile: '/etc/alertmanager/secrets/webhook-url' }));
    expect(fromFile.receivers[0].webhook_configs).toEqual([{ send_resolved: true, url_file: '/etc/alertmanager/secrets/webhook-url' }]);
  });

  it('lets critical alerts inhibit warnings of the same alert in the same namespace', () => {
    expect(parse(alertmanagerConfig()).inhibit_rules).toEqual([
      { source_matchers: ['severity="critical"'], target_matchers: ['severity="warning"'], equal: ['alertname', 'namespace'] },
    ]);
  });

  it('rejects invalid options', () => {
    expect(() => alertmanagerConfig({ webhookUrl: 'http://a', webhookUrlFile: '/x' })).toThrow(/mutually exclusive/);
    expect(() => alertmanagerConfig({ webhookUrl: 'hooks.example.lan' })).toThrow(/http/);
    expect(() => alertmanagerConfig({ webhookUrlFile: 'relative' })).toThrow(/absolute/);
    expect(() => alertmanagerConfig({ repeatInterval: 'daily' })).toThrow(/repeatInterval/);
  });

  it('is deterministic', () => {
    expect(alertmanagerConfig({ webhookUrl: 'http://x.y/z' })).toBe(alertmanagerConfig({ webhookUrl: 'http://x.y/z' }));
  });
});
