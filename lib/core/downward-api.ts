import { k8s } from 'cdk8s-plus-27';

/**
 * An environment variable from the pod's own fields (the downward API), with `apiVersion: v1` written out: the API
 * server stores that default, and `fieldRef` is one atomic value to server-side apply, so leaving it out makes the
 * documented switch from client-side to server-side apply stop with a conflict on it (`npm run test:cluster`).
 */
export function podFieldEnv(name: string, fieldPath: string): k8s.EnvVar {
  return { name, valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath } } };
}
