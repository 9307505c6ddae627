import { PlatformConfig } from './config/platform-config';

/**
 * What the unit builders share while the platform is composed: the config, the namespaces Platform Kit manages
 * (a flow writes policies only there), and typed handles of components other units connect to. Units are built
 * in apply order, so a unit finds the handles of the units before it.
 */
export interface PlatformContext {
  readonly config: PlatformConfig;
  readonly managedNamespaces: ReadonlySet<string>;
  /** Handles registered by units, by name (e.g. 'mysql'); typed accessors live with each unit. */
  readonly handles: Map<string, unknown>;
}
