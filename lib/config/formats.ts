import { isQuantity } from '../core/quantity';
import { isIpv4Cidr } from '../network/peer';

/**
 * String formats used by platform.schema.json. Each has the test Ajv runs and the sentence a user reads when a
 * value fails it — what is allowed, with examples — so every format error explains its own fix.
 */
export interface StringFormat {
  readonly validate: (value: string) => boolean;
  readonly explain: string;
}

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

export const FORMATS: Record<string, StringFormat> = {
  'quantity': {
    validate: (v) => isQuantity(v),
    explain: 'is not a Kubernetes quantity (examples: "2", "500m", "256Mi", "1Gi")',
  },
  'ipv4': {
    validate: (v) => {
      const m = IPV4.exec(v);
      return m !== null && m.slice(1).every((o) => Number(o) <= 255 && String(Number(o)) === o);
    },
    explain: 'is not an IPv4 address (example: "10.10.10.101")',
  },
  'ipv4-cidr': {
    validate: (v) => isIpv4Cidr(v),
    explain: 'is not an IPv4 CIDR block (example: "10.244.0.0/16"; a single address is "10.10.10.200/32")',
  },
  'dns-label': {
    validate: (v) => v.length <= 63 && DNS_LABEL.test(v),
    explain: 'is not a DNS label: use at most 63 lowercase letters, digits and "-", starting and ending with a letter or digit (example: "team-a")',
  },
  'dns-subdomain': {
    validate: (v) => v.length <= 253 && DNS_SUBDOMAIN.test(v),
    explain: 'is not a DNS name: use lowercase letters, digits, "-" and "." (example: "grafana.lab.example")',
  },
  'absolute-path': {
    validate: (v) => v.startsWith('/') && !v.split('/').includes('..') && !/\s/.test(v) && !v.endsWith('/'),
    explain: 'is not an absolute path: start with "/", no "..", no spaces, no trailing "/" (example: "/nfs_mysql")',
  },
  'service-account': {
    validate: (v) => /^[a-z0-9]([-a-z0-9]*[a-z0-9])?\/[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(v),
    explain: 'is not a ServiceAccount reference: write "namespace/name" (example: "argocd/argocd-application-controller")',
  },
  'image-tag': {
    validate: (v) => /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/.test(v) && v !== 'latest',
    explain: 'is not a pinned image tag: give an exact version such as "8.4.6" ("latest" is not allowed: it changes under you)',
  },
  'url': {
    validate: (v) => /^(https?|ssh|git):\/\/[^\s]+$/.test(v) || /^git@[^\s:]+:[^\s]+$/.test(v),
    explain: 'is not a URL (examples: "https://git.lab.example/platform.git", "git@git.lab.example:ops/platform.git")',
  },
};
