import { App } from 'cdk8s';
import { PlatformConfig } from '../config/platform-config';

/** A Secret an operator creates once, before the first apply (Platform Kit never writes secret values). */
export interface FirstTimeSecret {
  readonly namespace: string;
  readonly name: string;
  readonly keys: readonly string[];
  /** What reads it, e.g. `StatefulSet mysql/mysql`. */
  readonly readBy: string;
  /** Constraints on the values, e.g. MySQL's 32-character limit on the replication password. @default - none */
  readonly notes?: string;
}

/**
 * STUB, to be wired to the parts' first-time-Secrets contract (issue 10 §3, `npm run secrets`): until then it lists
 * nothing and dist/README.md points to docs/deploying.md instead. Keep the signature: dist/README.md calls it.
 */
export function firstTimeSecretsStub(_app: App, _config: PlatformConfig): FirstTimeSecret[] {
  return [];
}
