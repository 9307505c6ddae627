import { rule } from './rule';

const LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** RFC 1123 label (Namespace, Service, container names): at most 63 characters. */
export function isDnsLabel(value: string): boolean {
  return typeof value === 'string' && value.length <= 63 && LABEL.test(value);
}

/** RFC 1123 subdomain (most object names, host names): at most 253 characters. */
export function isDnsSubdomain(value: string): boolean {
  return typeof value === 'string' && value.length <= 253 && SUBDOMAIN.test(value);
}

/** A name with a domain (`mysql-primary.mysql.svc.cluster.local`, optionally with the root dot): what resolves the same from every namespace. */
export function isFullyQualifiedName(value: string): boolean {
  const name = typeof value === 'string' && value.endsWith('.') ? value.slice(0, -1) : value;
  return isDnsSubdomain(name) && name.includes('.');
}

/** A key of a Secret or ConfigMap (IsConfigMapKey): letters, digits, "-", "_", "."; at most 253 characters. */
export function isObjectKey(value: string): boolean {
  return typeof value === 'string' && value.length <= 253 && /^[-._a-zA-Z0-9]+$/.test(value) && value !== '.' && value !== '..';
}

export const FULLY_QUALIFIED_NAME = rule(isFullyQualifiedName, 'is not a fully qualified DNS name; give the name with its domain, which resolves alike from every namespace (example: "mysql-primary.mysql.svc.cluster.local")');

export const OBJECT_KEY = rule(isObjectKey, 'is not a key a Secret or ConfigMap can have: use letters, digits, "-", "_" and "." (example: "password")');

export const DNS_LABEL = rule(isDnsLabel, 'is not a DNS label: use at most 63 lowercase letters, digits and "-", starting and ending with a letter or digit (example: "team-a")');

export const DNS_SUBDOMAIN = rule(isDnsSubdomain, 'is not a DNS name: use lowercase letters, digits, "-" and "." (examples: "grafana-tls", "grafana.lab.example")');
