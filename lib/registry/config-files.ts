import { yamlForEveryReader } from '../output/yaml-render';
import { HARBOR_PORTS, REDIS_DATABASES } from './defaults';

/**
 * The configuration files of the Harbor components, written from the facts of harbor-helm's templates (ports, paths,
 * keys) but without internal TLS or cloud storage drivers. No file holds a secret: every password reaches the
 * programs through environment variables from Secrets (the registry reads REGISTRY_REDIS_PASSWORD and
 * REGISTRY_HTTP_SECRET; jobservice JOB_SERVICE_POOL_REDIS_URL).
 */

/** core's beego app.conf. */
export function coreAppConf(): string {
  return ['appname = Harbor', 'runmode = prod', 'enablegzip = true', '', '[prod]', `httpport = ${HARBOR_PORTS.http}`, ''].join('\n');
}

/** The distribution registry's config.yml: filesystem storage on the blob volume, Redis layer cache, htpasswd auth for core. */
export function registryConfig(opts: { redisHost: string; dataDir: string }): string {
  return yamlForEveryReader({
    version: 0.1,
    log: { level: 'info', fields: { service: 'registry' } },
    storage: {
      filesystem: { rootdirectory: opts.dataDir },
      cache: { layerinfo: 'redis' },
      // Uploads abandoned for a week are removed; garbage collection of blobs is Harbor's (jobservice).
      maintenance: { uploadpurging: { enabled: true, age: '168h', interval: '24h', dryrun: false } },
      delete: { enabled: true },
      redirect: { disable: true },
    },
    // The password comes from REGISTRY_REDIS_PASSWORD (the registry maps REGISTRY_<PATH> variables onto this file).
    redis: { addr: `${opts.redisHost}:${HARBOR_PORTS.redis}`, db: REDIS_DATABASES.registry, readtimeout: '10s', writetimeout: '10s', dialtimeout: '10s', pool: { maxidle: 100, maxactive: 500, idletimeout: '60s' } },
    http: {
      addr: `:${HARBOR_PORTS.registry}`,
      relativeurls: false,
      // The secret comes from REGISTRY_HTTP_SECRET.
      debug: { addr: `:${HARBOR_PORTS.metrics}`, prometheus: { enabled: true, path: '/metrics' } },
    },
    auth: { htpasswd: { realm: 'harbor-registry-basic-realm', path: '/etc/registry/passwd' } },
    validation: { disabled: true },
    compatibility: { schema1: { enabled: true } },
  });
}

/** registryctl's config.yml. */
export function registryctlConfig(): string {
  return yamlForEveryReader({ protocol: 'http', port: HARBOR_PORTS.http, log_level: 'info', registry_config: '/etc/registry/config.yml' });
}

/** jobservice's config.yml: logs to stdout and the database only (no log volume), metrics on 8001. */
export function jobserviceConfig(opts: { workers: number }): string {
  return yamlForEveryReader({
    protocol: 'http',
    port: HARBOR_PORTS.http,
    worker_pool: {
      workers: opts.workers,
      backend: 'redis',
      // The URL (with the password) comes from JOB_SERVICE_POOL_REDIS_URL.
      redis_pool: { redis_url: 'set-by-JOB_SERVICE_POOL_REDIS_URL', namespace: 'harbor_job_service_namespace', idle_timeout_second: 3600 },
    },
    job_loggers: [
      { name: 'STD_OUTPUT', level: 'INFO' },
      { name: 'DB', level: 'INFO', sweeper: { duration: 14 } },
    ],
    metric: { enabled: true, path: '/metrics', port: HARBOR_PORTS.metrics },
    loggers: [{ name: 'STD_OUTPUT', level: 'INFO' }],
    reaper: { max_update_hours: 24, max_dangling_hours: 168 },
  });
}

/** The portal's nginx.conf: every temporary path under /tmp (an emptyDir), so the root filesystem stays read-only. */
export function portalNginxConf(): string {
  return `worker_processes 1;
pid /tmp/nginx.pid;
events {
    worker_connections 1024;
}
http {
    client_body_temp_path /tmp/client_body_temp;
    proxy_temp_path /tmp/proxy_temp;
    fastcgi_temp_path /tmp/fastcgi_temp;
    uwsgi_temp_path /tmp/uwsgi_temp;
    scgi_temp_path /tmp/scgi_temp;
    server {
        listen ${HARBOR_PORTS.http};
        server_name localhost;
        root /usr/share/nginx/html;
        index index.html index.htm;
        include /etc/nginx/mime.types;
        gzip on;
        gzip_min_length 1000;
        gzip_proxied expired no-cache no-store private auth;
        gzip_types text/plain text/css application/json application/javascript application/x-javascript text/xml application/xml application/xml+rss text/javascript;
        location /devcenter-api-2.0 {
            try_files $uri $uri/ /swagger-ui-index.html;
        }
        location / {
            try_files $uri $uri/ /index.html;
        }
        location = /index.html {
            add_header Cache-Control "no-store, no-cache, must-revalidate";
        }
    }
}
`;
}
