import { App } from 'cdk8s';
import { PlatformContext } from '../platform-context';

/** Adds the observability deployable unit(s) to the app (placeholder until the Observability issue lands). */
export function addObservabilityUnit(_app: App, _ctx: PlatformContext): void {}
