import { sectionTypeIn } from '../config/schema-types';
import { InjectedResources } from '../core/injected-containers';
import { definePart, LoadedConfig, sectionOf } from '../parts/platform-part';
import { checkMeshConfig, MeshConfig, meshSchema } from './config';
import { IstioMesh } from './istio';
import { Peers } from '../network/peer';

/**
 * Istio's objects need its CRDs: `needs-istio/`, wave 46 (after the apps' Services and Deployments they point at, and
 * the Gateway's routes). The apps part writes it, one DestinationRule and VirtualService per Istio canary.
 */
export const ISTIO_UNIT = { folder: 'needs-istio', wave: 46, description: 'Istio: a DestinationRule (subsets stable and canary) and a VirtualService (the weights) per app whose canary Istio splits' };

/** The `mesh:` section of a loaded config (for the apps' checks). */
export function meshOf(whole: LoadedConfig): MeshConfig | undefined {
  return sectionOf(meshPart, whole);
}

/** The typed handle of the configured Istio, or undefined when `mesh.istio.enabled` is false. */
export function istioMeshOf(m: MeshConfig | undefined): IstioMesh | undefined {
  if (!m?.istio.enabled) return undefined;
  const { istio } = m;
  return new IstioMesh({
    mode: istio.mode,
    cni: istio.cni,
    waypoint: istio.waypoint,
    entryInMesh: istio.entryInMesh,
    waypointSeccomp: istio.waypointSeccomp,
    proxyResources: istio.proxyResources as InjectedResources,
    waypointResources: istio.waypointResources as InjectedResources,
    controlPlane: Peers.externalPods(istio.controlPlane.namespace, { ...istio.controlPlane.podSelector }, 'istiod'),
  });
}

/**
 * The service mesh the cluster runs (Istio, installed by the user): this part only describes it — its config,
 * checks and the typed {@link IstioMesh} handle other parts build against. The apps part writes the Istio objects
 * of its canaries and offers the tenant namespaces' enrollment labels, which the tenancy part writes.
 */
export const meshPart = definePart({
  key: 'mesh',
  schema: meshSchema,
  configType: sectionTypeIn('mesh', 'MeshConfig'),
  enabled: (m: MeshConfig) => m.istio.enabled,
  checkConfig: (m, { problems }) => checkMeshConfig(m, problems),
  notices: (m) => (!m.istio.enabled ? [] : [
    `Mesh: Istio (${m.istio.mode}). Install Istio and its CRDs before applying dist/needs-istio (docs/apps.md, "Canary releases with Istio"); the CRDs checked here are Istio 1.23.6's, a release that is end of life.`,
  ]),
  build: ({ config }): IstioMesh | undefined => istioMeshOf(config),
});
