import { checkRequestsWithinLimits } from '../config/resource-limits';
import { bool, JsonSchema, map, object, resourcesSchema, str } from '../config/schema-helpers';
import { ProblemList, show } from '../core/errors';

/** How Istio puts a pod in the mesh: an injected sidecar proxy per pod, or the per-node ztunnel (plus a waypoint for L7). */
export type IstioMode = 'sidecar' | 'ambient';

// The section's type is generated from meshSchema (`npm run schema`).
export type { MeshConfig } from './config.generated';
import type { MeshConfig } from './config.generated';

/**
 * Defaults fit `istioctl install` of Istio 1.23 with the default profile: sidecar mode, istiod in istio-system with
 * the label `app: istiod`, no CNI plugin (it is an extra component there, and a default that claimed it would turn a
 * missing plugin into pods that Pod Security refuses at apply time instead of a synth-time error).
 */
export const DEFAULT_ISTIO = {
  mode: 'sidecar' as IstioMode,
  cni: false,
  entryInMesh: false,
  controlPlaneNamespace: 'istio-system',
  controlPlanePodSelector: { app: 'istiod' },
  /**
   * istio-proxy of the pods Platform Kit writes in an enrolled tenant, sized for a small app (Istio measures about
   * 0.2 vCPU and 60 MB per 1,000 requests/s); inside the default tenant LimitRange (max 1 CPU, 1Gi per container).
   */
  proxyResources: { requests: { cpu: '20m', memory: '64Mi' }, limits: { cpu: '200m', memory: '128Mi' } },
};

/**
 * What Istio's charts give a sidecar (values.global.proxy.resources) and a waypoint (values.global.waypoint.resources)
 * when nothing else says: requests 100m/128Mi, limits 2 CPU/1Gi — above the default tenant LimitRange max of 1 CPU.
 */
export const ISTIO_INJECTOR_DEFAULT_RESOURCES = { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '2', memory: '1Gi' } };

/** The only `mesh.istio.mode` values; the schema's enum and the construct read this. */
export const ISTIO_MODES: readonly IstioMode[] = ['sidecar', 'ambient'];

export const meshSchema: JsonSchema = object(
  {
    istio: object(
      {
        enabled: bool('The cluster runs Istio (installed by you, version 1.23 or later; Platform Kit installs none): apps[].canary splits through a VirtualService over DestinationRule subsets unless the app sets canary.split: gateway-api.', false),
        mode: str('How pods join the mesh: sidecar (an injected Envoy per pod; needs cni: true in baseline/restricted tenants) or ambient (the node\'s ztunnel; VirtualService weights need a waypoint).', { enum: ISTIO_MODES, default: DEFAULT_ISTIO.mode }),
        cni: bool('The Istio CNI plugin is installed (istioctl install --set components.cni.enabled=true): sidecar pods then need no istio-init container with NET_ADMIN/NET_RAW, which Pod Security baseline and restricted forbid.', DEFAULT_ISTIO.cni),
        waypointSeccomp: bool('Ambient mode: your Istio install gives waypoints the RuntimeDefault seccomp profile (values.gateways.seccompProfile.type=RuntimeDefault). Istio\'s default sets none, and restricted Pod Security (the tenant default) refuses such a pod, so an Istio canary in a restricted tenant needs this.', false),
        waypoint: str('Ambient mode: name of the waypoint proxy (a Gateway of class istio-waypoint, e.g. from `istioctl waypoint apply -n <tenant>`, named "waypoint") in every tenant that has an Istio canary; the tenant namespace gets istio.io/use-waypoint: <name>. Required with mode: ambient. Default: none.', { format: 'dns-label' }),
        entryInMesh: bool('The entry point\'s proxy (gateway.proxy, or the ingress controller) is itself in the mesh, so its requests follow the VirtualService weights. Out of the mesh they bypass them (kube-proxy spreads them over all pods), so an Istio canary with a host needs this.', DEFAULT_ISTIO.entryInMesh),
        proxyResources: resourcesSchema('Sidecar mode: requests and limits of the istio-proxy container Istio injects into every pod Platform Kit writes in an enrolled tenant (written as the sidecar.istio.io/proxyCPU, proxyCPULimit, proxyMemory and proxyMemoryLimit pod annotations). The tenant quota, LimitRange and node capacity checks count it.', DEFAULT_ISTIO.proxyResources),
        waypointResources: resourcesSchema('Ambient mode: requests and limits of the waypoint pod in each enrolled tenant, as your Istio install sets them (values.global.waypoint.resources; the default is Istio\'s chart default). The tenant quota, LimitRange and node capacity checks count it.', ISTIO_INJECTOR_DEFAULT_RESOURCES),
        controlPlane: object(
          {
            namespace: str('Namespace of istiod (Istio\'s own; Platform Kit writes no policy there).', { format: 'dns-label', default: DEFAULT_ISTIO.controlPlaneNamespace }),
            podSelector: map({ type: 'string' }, 'Labels of the istiod pods: proxies in tenant namespaces reach exactly them on 15012 (xDS and certificates).', DEFAULT_ISTIO.controlPlanePodSelector),
          },
          { default: {}, description: 'Where Istio\'s control plane runs.' },
        ),
      },
      { default: {}, description: 'Istio (networking.istio.io/v1 objects; the CRDs in schemas/crds are Istio 1.23.6\'s). Default: disabled.' },
    ),
  },
  { default: {}, description: 'A service mesh the cluster runs. Platform Kit installs none; it writes the mesh objects into dist/needs-istio.' },
);

/** The Pod Security levels that forbid istio-init's NET_ADMIN and NET_RAW (baseline allows neither). */
const FORBID_NET_ADMIN = ['baseline', 'restricted'];

/** What decides whether Istio's pods pass a namespace's Pod Security level. */
export interface MeshPodSecurityFacts {
  readonly mode: IstioMode;
  readonly cni: boolean;
  /** Ambient: the install gives waypoints the RuntimeDefault seccomp profile. */
  readonly waypointSeccomp: boolean;
}

/**
 * Why Istio cannot run its pods in a namespace that enforces `enforce`, with the fix; or `undefined`. One owner for the
 * rule: the config check and the synth-time tree check both read it. Sidecar mode without the CNI plugin adds
 * istio-init (NET_ADMIN, NET_RAW); ambient mode runs the waypoint in the namespace, and Istio's waypoint template
 * sets a seccomp profile only when the install's values.gateways.seccompProfile does.
 */
export function meshPodSecurityProblem(mesh: MeshPodSecurityFacts, enforce: string): { reason: string; fix: string } | undefined {
  if (mesh.mode === 'sidecar' && !mesh.cni && FORBID_NET_ADMIN.includes(enforce)) {
    return {
      reason: `sidecar injection adds the istio-init container, which needs the NET_ADMIN and NET_RAW capabilities that Pod Security ${show(enforce)} forbids, so every injected pod would be refused at apply time`,
      fix: 'install the Istio CNI plugin and set mesh.istio.cni: true, or use mesh.istio.mode: ambient (never loosen the tenant to privileged for this)',
    };
  }
  if (mesh.mode === 'ambient' && !mesh.waypointSeccomp && enforce === 'restricted') {
    return {
      reason: `the waypoint Istio runs there gets no seccomp profile from a default install, and Pod Security ${show(enforce)} refuses a pod without one, so no waypoint would start and no weight would apply`,
      fix: 'install Istio with --set values.gateways.seccompProfile.type=RuntimeDefault and set mesh.istio.waypointSeccomp: true (never loosen the tenant for this)',
    };
  }
  return undefined;
}

/** Cross-field checks of the section (the per-app checks are in the apps section's). */
export function checkMeshConfig(m: MeshConfig, problems: ProblemList): void {
  const istio = m.istio;
  if (!istio.enabled) return;
  if (Object.keys(istio.controlPlane.podSelector).length === 0) {
    problems.add('mesh.istio.controlPlane.podSelector: {} would let every proxy reach every pod of the control plane namespace; give istiod\'s labels (Istio 1.23: app: istiod).');
  }
  if (istio.mode === 'ambient' && istio.waypoint === undefined) {
    problems.add('mesh.istio.waypoint: missing, and mode is "ambient": without a waypoint ambient handles only L4, so VirtualService weights are ignored; deploy one in each tenant with an Istio canary (`istioctl waypoint apply -n <tenant>` makes one named "waypoint") and set mesh.istio.waypoint: waypoint, or use mode: sidecar.');
  }
  checkRequestsWithinLimits('mesh.istio.proxyResources', istio.proxyResources, problems);
  checkRequestsWithinLimits('mesh.istio.waypointResources', istio.waypointResources, problems);
  if (istio.mode === 'sidecar' && istio.waypoint !== undefined) {
    problems.add(`mesh.istio.waypoint: ${show(istio.waypoint)} is set, but mode is "sidecar", which uses no waypoint; remove it or set mode: ambient.`);
  }
}
