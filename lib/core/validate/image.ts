import { show } from '../errors';
import { rule } from './rule';

/** The shape of an image reference (core/security's ImageRef, restated to keep validators free of cdk8s). */
export interface ImageRef {
  readonly repository: string;
  readonly tag: string;
}

/**
 * `[registry[:port]/]path[/path…]`, lowercase path components (the distribution spec's repository grammar). As in
 * docker's normalisation, the first component is a registry only if it has a "." or a port or is `localhost`;
 * otherwise it is a path component and must be lowercase (`Prom/x` is refused, `registry.Lab:5000/x` is not).
 */
const REPOSITORY = /^((?:[a-zA-Z0-9-]+\.)+[a-zA-Z0-9-]+(:[0-9]+)?\/|[a-zA-Z0-9-]+:[0-9]+\/|localhost\/)?[a-z0-9]+([._-][a-z0-9]+)*(\/[a-z0-9]+([._-][a-z0-9]+)*)*$/;
/** The distribution spec's tag grammar. */
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

export const IMAGE_REPOSITORY = rule((v) => REPOSITORY.test(v), 'is not an image repository (example: "nginxinc/nginx-unprivileged"): lowercase path components, optionally after a registry host; give the tag separately in the tag field');

export const IMAGE_TAG = rule((v) => TAG.test(v) && v !== 'latest', 'is not a pinned image tag: give an exact version such as "1.27.4" ("latest" is not allowed: it changes under you)');

/**
 * Every problem of an image reference, each under `field.repository` / `field.tag`; empty when the image is a pinned
 * repository:tag. `example` (the part's default image) replaces the generic example in the messages.
 */
export function imageProblems(image: { readonly repository: unknown; readonly tag: unknown }, field: string, example?: ImageRef): string[] {
  const problems: string[] = [];
  if (typeof image.repository !== 'string' || !IMAGE_REPOSITORY.validate(image.repository)) {
    const explain = example ? IMAGE_REPOSITORY.explain.replace('"nginxinc/nginx-unprivileged"', show(example.repository)) : IMAGE_REPOSITORY.explain;
    problems.push(`${field}.repository: ${show(image.repository)} ${explain}`);
  }
  if (typeof image.tag !== 'string' || !IMAGE_TAG.validate(image.tag)) {
    const explain = example ? IMAGE_TAG.explain.replace('"1.27.4"', show(example.tag)) : IMAGE_TAG.explain;
    problems.push(`${field}.tag: ${show(image.tag)} ${explain}`);
  }
  return problems;
}

/** For construct props: throws the first problem of {@link imageProblems}. */
export function requirePinnedImage(image: { readonly repository: unknown; readonly tag: unknown }, field: string, example?: ImageRef): void {
  const [first] = imageProblems(image, field, example);
  if (first !== undefined) throw new Error(first);
}
