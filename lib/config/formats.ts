import { isQuantity, parseQuantity } from '../core/quantity';
import { CRON_SCHEDULE, DNS_LABEL, DNS_SUBDOMAIN, FULLY_QUALIFIED_NAME, IMAGE_REPOSITORY, IMAGE_TAG, IPV4_ADDRESS, IPV4_CIDR, OBJECT_KEY, Rule } from '../core/validate';

/**
 * String formats used by platform.schema.json. Each has the test Ajv runs and the sentence a user reads when a
 * value fails it — what is allowed, with examples — so every format error explains its own fix.
 */
export type StringFormat = Rule;

export const FORMATS: Record<string, StringFormat> = {
  // Every quantity in platform.yaml is a size, a capacity or a quota: never negative, never beyond a float (1e400).
  'quantity': {
    validate: (v) => isQuantity(v) && Number.isFinite(parseQuantity(v)) && parseQuantity(v) >= 0,
    explain: 'is not a Kubernetes quantity (examples: "2", "500m", "256Mi", "1Gi")',
  },
  // The shared validators (lib/core/validate): constructs call the same ones.
  'ipv4': IPV4_ADDRESS,
  'ipv4-cidr': IPV4_CIDR,
  'dns-label': DNS_LABEL,
  'dns-subdomain': DNS_SUBDOMAIN,
  'fqdn': FULLY_QUALIFIED_NAME,
  'object-key': OBJECT_KEY,
  'image-repository': IMAGE_REPOSITORY,
  'image-tag': IMAGE_TAG,
  'cron': CRON_SCHEDULE,
  'absolute-path': {
    validate: (v) => v.startsWith('/') && !v.split('/').includes('..') && !/\s/.test(v) && !v.endsWith('/'),
    explain: 'is not an absolute path: start with "/", no "..", no spaces, no trailing "/" (example: "/nfs_mysql")',
  },
  'service-account': {
    validate: (v) => /^[a-z0-9]([-a-z0-9]*[a-z0-9])?\/[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(v),
    explain: 'is not a ServiceAccount reference: write "namespace/name" (example: "argocd/argocd-application-controller")',
  },
  'url': {
    validate: (v) => /^(https?|ssh|git):\/\/[^\s]+$/.test(v) || /^git@[^\s:]+:[^\s]+$/.test(v),
    explain: 'is not a URL (examples: "https://git.lab.example/platform.git", "git@git.lab.example:ops/platform.git")',
  },
};
