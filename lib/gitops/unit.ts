import { App } from 'cdk8s';
import { PlatformContext } from '../platform-context';

/** Adds the gitops deployable unit(s) to the app (placeholder until the GitOps issue lands). */
export function addGitOpsUnit(_app: App, _ctx: PlatformContext): void {}
