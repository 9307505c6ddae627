import { App } from 'cdk8s';
import { PlatformContext } from '../platform-context';

/** Adds the mysql deployable unit(s) to the app (placeholder until the MySql issue lands). */
export function addMySqlUnit(_app: App, _ctx: PlatformContext): void {}
