import { Rule } from './rule';

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

export const DNS_LABEL: Rule = {
  validate: isDnsLabel,
  explain: 'is not a DNS label: use at most 63 lowercase letters, digits and "-", starting and ending with a letter or digit (example: "team-a")',
};

export const DNS_SUBDOMAIN: Rule = {
  validate: isDnsSubdomain,
  explain: 'is not a DNS name: use lowercase letters, digits, "-" and "." (example: "grafana.lab.example")',
};
