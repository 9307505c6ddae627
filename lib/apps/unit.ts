import { App } from 'cdk8s';
import { PlatformContext } from '../platform-context';

/** Adds the apps deployable unit(s) to the app (placeholder until the Apps issue lands). */
export function addAppsUnit(_app: App, _ctx: PlatformContext): void {}
