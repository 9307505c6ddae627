import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { commonLabels } from '../core/labels';
import { renderYamlSlow } from '../output/yaml-render';

/**
 * The `Website` custom resource of our reference notes, as the contract with the controller (controller/website/)
 * defines it: `websites.extensions.example.com`, one version `v1`, served and stored. The schema is the one owner of
 * what a valid Website is: the API server enforces it on every write, the controller relies on it, and the synth's
 * custom-resource check reads the same definition (schemas/crds/websites.extensions.example.com.yaml, written from
 * this file by `npm run schema`).
 */
export const WEBSITE_GROUP = 'extensions.example.com';
export const WEBSITE_VERSION = 'v1';
export const WEBSITE_API_VERSION = `${WEBSITE_GROUP}/${WEBSITE_VERSION}`;
export const WEBSITE_KIND = 'Website';
export const WEBSITE_PLURAL = 'websites';
export const WEBSITE_CRD_NAME = `${WEBSITE_PLURAL}.${WEBSITE_GROUP}`;
/** File name of the CRD among schemas/crds (what the custom-resource check and the cluster tier read). */
export const WEBSITE_CRD_FILE = `${WEBSITE_CRD_NAME}.yaml`;

/**
 * A git URL git-sync can clone: `https://host/path`, `ssh://git@host/path` or scp-like `git@host:path`. The scheme is
 * required so a value can never start with `-` (read as a git option) or name a local path.
 */
export const GIT_REPO_PATTERN = '^(https://|ssh://|git@)[^\\s]+$';
export const GIT_REPO_MAX_LENGTH = 2048;
/**
 * A git ref name, in the regular-expression dialect both the API server (Go RE2: no look-ahead) and JavaScript read:
 * starts with a letter, digit or `_` (never `-`, which git would take as an option), then letters, digits, `_`, `-`,
 * `/` and single dots — every dot is followed by another character, so `..` and a trailing dot cannot occur.
 */
export const BRANCH_PATTERN = '^[A-Za-z0-9_](\\.?[A-Za-z0-9_/-])*$';
export const BRANCH_MAX_LENGTH = 255;
/** A git-sync period: a positive whole number of seconds, minutes or hours (`60s`, `5m`, `1h`). */
export const SYNC_PERIOD_PATTERN = '^[1-9][0-9]*(s|m|h)$';
export const WEBSITE_REPLICAS = { minimum: 1, maximum: 10 } as const;

/** The schema defaults (what the API server fills in when a Website leaves the field out). */
export const WEBSITE_DEFAULTS = { branch: 'main', syncPeriod: '60s', replicas: 1 } as const;

/** metav1.Condition, as Kubernetes' own API types declare it (apimachinery pkg/apis/meta/v1 types.go). */
const CONDITION_SCHEMA = {
  type: 'object',
  description: 'One aspect of the Website\'s state (the controller writes Ready).',
  required: ['type', 'status', 'lastTransitionTime', 'reason', 'message'],
  properties: {
    type: {
      type: 'string', maxLength: 316,
      pattern: '^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$',
      description: 'Type of the condition, in CamelCase (Ready).',
    },
    status: { type: 'string', enum: ['True', 'False', 'Unknown'], description: 'Status of the condition.' },
    observedGeneration: { type: 'integer', format: 'int64', minimum: 0, description: 'The .metadata.generation the condition was set for.' },
    lastTransitionTime: { type: 'string', format: 'date-time', description: 'When the condition last changed status.' },
    reason: {
      type: 'string', minLength: 1, maxLength: 1024, pattern: '^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$',
      description: 'Why, in one CamelCase word (Progressing, NamespaceNotManaged, ApplyFailed).',
    },
    message: { type: 'string', maxLength: 32768, description: 'Why, for people.' },
  },
};

/** The openAPIV3Schema of Website v1 (structural: every object lists its fields, so unknown ones are pruned). */
export function websiteSchema(): Record<string, unknown> {
  return {
    type: 'object',
    description: 'A static website: nginx serving what git-sync pulls from a git repository (the website controller creates its Deployment and Service).',
    required: ['spec'],
    properties: {
      apiVersion: { type: 'string' },
      kind: { type: 'string' },
      metadata: { type: 'object' },
      spec: {
        type: 'object',
        required: ['gitRepo'],
        properties: {
          gitRepo: {
            type: 'string', pattern: GIT_REPO_PATTERN, maxLength: GIT_REPO_MAX_LENGTH,
            description: 'Repository to serve: https://host/path, ssh://git@host/path or git@host:path.',
          },
          branch: {
            type: 'string', default: WEBSITE_DEFAULTS.branch, pattern: BRANCH_PATTERN, maxLength: BRANCH_MAX_LENGTH,
            description: 'Branch (or other ref) to check out.',
          },
          syncPeriod: {
            type: 'string', default: WEBSITE_DEFAULTS.syncPeriod, pattern: SYNC_PERIOD_PATTERN,
            description: 'How often git-sync looks for new commits (e.g. 60s, 5m, 1h).',
          },
          replicas: {
            type: 'integer', format: 'int32', default: WEBSITE_DEFAULTS.replicas, minimum: WEBSITE_REPLICAS.minimum, maximum: WEBSITE_REPLICAS.maximum,
            description: 'Pods serving the site.',
          },
        },
      },
      status: {
        type: 'object',
        properties: {
          observedGeneration: { type: 'integer', format: 'int64', minimum: 0, description: 'The .metadata.generation the controller last reconciled.' },
          conditions: {
            type: 'array',
            items: CONDITION_SCHEMA,
            'x-kubernetes-list-type': 'map',
            'x-kubernetes-list-map-keys': ['type'],
          },
          readyReplicas: { type: 'integer', format: 'int32', minimum: 0, description: 'Pods of the site that are ready.' },
        },
      },
    },
  };
}

/** The CustomResourceDefinition manifest (the same object the construct writes and schemas/crds holds). */
export function websiteCrdManifest(): Record<string, unknown> {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: {
      name: WEBSITE_CRD_NAME,
      labels: commonLabels({ name: 'website-controller', component: 'custom-resource-definition' }),
    },
    spec: {
      group: WEBSITE_GROUP,
      scope: 'Namespaced',
      names: { plural: WEBSITE_PLURAL, singular: 'website', kind: WEBSITE_KIND, listKind: 'WebsiteList', shortNames: ['ws'] },
      versions: [{
        name: WEBSITE_VERSION,
        served: true,
        storage: true,
        subresources: { status: {} },
        additionalPrinterColumns: [
          { name: 'Repo', type: 'string', jsonPath: '.spec.gitRepo' },
          { name: 'Branch', type: 'string', jsonPath: '.spec.branch' },
          { name: 'Ready', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].status' },
          { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
        ],
        schema: { openAPIV3Schema: websiteSchema() },
      }],
    },
  };
}

/**
 * schemas/crds/websites.extensions.example.com.yaml as `npm run schema` writes it: unlike the upstream copies there,
 * this one is generated from {@link websiteCrdManifest}, and a test keeps the committed file equal to it.
 */
export function websiteCrdFile(): string {
  return `# Generated by \`npm run schema\` from lib/websites/website-crd.ts. Do not edit: change that file and re-run.\n${renderYamlSlow(websiteCrdManifest())}`;
}

/**
 * The Website CRD as a construct. It belongs in a unit at the top level of dist/ (a CRD is a built-in kind), applied
 * before the `needs-websites` folder that holds the Website objects.
 */
export class WebsiteCrd extends Construct {
  public readonly name = WEBSITE_CRD_NAME;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    new ApiObject(this, 'Resource', websiteCrdManifest() as any);
  }
}
