import { k8s } from 'cdk8s-plus-27';

/**
 * A liveness probe that asks only "does the process still accept connections?" on a container port (a name or a
 * number). It is deliberately not the readiness check: when both ask the same HTTP question, an app that is slow
 * under load fails readiness and liveness together and is restarted instead of just taken out of the endpoints
 * (kube-score's pod-probes-identical). Readiness keeps the real health check.
 */
export function tcpLivenessProbe(port: string | number, opts: { initialDelaySeconds?: number; periodSeconds?: number; failureThreshold?: number; timeoutSeconds?: number } = {}): k8s.Probe {
  return {
    tcpSocket: { port: typeof port === 'number' ? k8s.IntOrString.fromNumber(port) : k8s.IntOrString.fromString(port) },
    ...(opts.initialDelaySeconds !== undefined ? { initialDelaySeconds: opts.initialDelaySeconds } : {}),
    periodSeconds: opts.periodSeconds ?? 20,
    ...(opts.timeoutSeconds !== undefined ? { timeoutSeconds: opts.timeoutSeconds } : {}),
    failureThreshold: opts.failureThreshold ?? 3,
  };
}
