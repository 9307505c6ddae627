import { ProblemList, show } from '../core/errors';
import { isQuantity, parseQuantity } from '../core/quantity';

/** Requests and limits as a config section holds them (either side may leave out a resource). */
export interface RequestsAndLimits {
  readonly requests: { readonly cpu?: string; readonly memory?: string };
  readonly limits: { readonly cpu?: string; readonly memory?: string };
}

/**
 * The rule every `resources` key of platform.yaml obeys: no request above its limit, since the API server refuses
 * such a pod. One owner, so every section words it alike; `at` is the key (`apps[0].resources`), `hint` an extra
 * sentence for that section. Quantities the schema already refused are skipped.
 */
export function checkRequestsWithinLimits(at: string, r: RequestsAndLimits, problems: ProblemList, hint = ''): void {
  for (const kind of ['cpu', 'memory'] as const) {
    const request = r.requests[kind];
    const limit = r.limits[kind];
    if (request === undefined || limit === undefined || !isQuantity(request) || !isQuantity(limit)) continue;
    if (parseQuantity(request) > parseQuantity(limit)) {
      problems.add(`${at}.requests.${kind}: ${show(request)} is above limits.${kind} (${show(limit)}); Kubernetes refuses such a pod — lower the request or raise the limit${hint}.`);
    }
  }
}
