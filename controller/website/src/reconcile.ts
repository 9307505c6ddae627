/**
 * One reconcile of one Website: apply its Deployment and Service, then write what came of it into
 * `status.conditions[Ready]`, `status.readyReplicas` and `status.observedGeneration`. Level-based and idempotent: it
 * reads the Website afresh, applies the same objects for the same input, and patches the status only when it
 * differs from what is stored.
 */
import type { V1Deployment } from '@kubernetes/client-node';
import { ApiError, type WebsiteClient } from './client';
import { setCondition } from './conditions';
import type { ControllerConfig } from './config';
import { READY, Reason, SPEC_DEFAULTS } from './contract';
import { desiredDeployment, desiredService } from './desired';
import type { Website, WebsiteStatus } from './website';

export type ReconcileResult =
  /** Ready, or waiting for the Deployment (its status changes requeue the Website). */
  | { readonly result: 'success'; readonly ready: boolean; readonly statusPatched: boolean }
  /** The Website is gone or being deleted: the garbage collector removes its objects. */
  | { readonly result: 'gone' }
  /** Nothing applied (NamespaceNotManaged): not retried until the Website or the configuration changes. */
  | { readonly result: 'skipped'; readonly reason: string; readonly statusPatched: boolean }
  /** Applying failed: Ready False ApplyFailed is written and the caller retries with backoff. */
  | { readonly result: 'error'; readonly error: Error };

export interface ReconcileContext {
  readonly client: WebsiteClient;
  readonly config: ControllerConfig;
  readonly now: () => Date;
}

/** Ready when the Deployment's controller has seen its current spec and has spec.replicas ready pods. */
export function deploymentReadiness(deployment: V1Deployment, replicas: number): { ready: boolean; readyReplicas: number; message: string } {
  const readyReplicas = deployment.status?.readyReplicas ?? 0;
  const generation = deployment.metadata?.generation ?? 0;
  const observed = deployment.status?.observedGeneration ?? 0;
  if (observed < generation) {
    return { ready: false, readyReplicas, message: `Deployment ${deployment.metadata?.name} generation ${generation} is not yet observed by the deployment controller (observed ${observed})` };
  }
  if (readyReplicas < replicas) {
    return { ready: false, readyReplicas, message: `${readyReplicas}/${replicas} pods ready` };
  }
  return { ready: true, readyReplicas, message: `${readyReplicas}/${replicas} pods ready` };
}

/** JSON with sorted keys: the API server returns a custom resource's fields sorted, not in the order we wrote them. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    return `{${entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

function sameStatus(a: WebsiteStatus | undefined, b: WebsiteStatus): boolean {
  const normal = (s: WebsiteStatus | undefined) => canonical({ observedGeneration: s?.observedGeneration, readyReplicas: s?.readyReplicas, conditions: s?.conditions ?? [] });
  return normal(a) === normal(b);
}

function describeError(e: unknown): string {
  if (e instanceof ApiError && e.statusCode !== undefined) return `${e.message} (HTTP ${e.statusCode})`;
  return e instanceof Error ? e.message : String(e);
}

/** Writes `status` unless it is what the Website already has; returns whether it patched. */
async function writeStatus(ctx: ReconcileContext, website: Website, status: WebsiteStatus): Promise<boolean> {
  if (sameStatus(website.status, status)) return false;
  await ctx.client.patchWebsiteStatus(website.metadata.namespace, website.metadata.name, status);
  return true;
}

export async function reconcile(ctx: ReconcileContext, namespace: string, name: string): Promise<ReconcileResult> {
  const website = await ctx.client.getWebsite(namespace, name);
  if (website === undefined || website.metadata.deletionTimestamp !== undefined) return { result: 'gone' };
  const generation = website.metadata.generation;
  const ready = (status: 'True' | 'False', reason: Reason, message: string, readyReplicas?: number): WebsiteStatus => ({
    observedGeneration: generation,
    conditions: setCondition(website.status?.conditions, { type: READY, status, reason, message, observedGeneration: generation }, ctx.now()),
    ...(readyReplicas === undefined ? {} : { readyReplicas }),
  });

  if (!ctx.config.namespaces.includes(namespace)) {
    const message = `namespace ${namespace} is not one the controller manages (WEBSITE_NAMESPACES: ${ctx.config.namespaces.join(', ') || 'none'}); declare the website under a tenant that has websites in platform.yaml`;
    const statusPatched = await writeStatus(ctx, website, ready('False', Reason.NamespaceNotManaged, message));
    return { result: 'skipped', reason: Reason.NamespaceNotManaged, statusPatched };
  }

  let deployment: V1Deployment;
  try {
    deployment = await ctx.client.applyDeployment(desiredDeployment(website, ctx.config));
    await ctx.client.applyService(desiredService(website));
  } catch (e) {
    const error = e instanceof Error ? e : new Error(String(e));
    try {
      await writeStatus(ctx, website, ready('False', Reason.ApplyFailed, `applying the Deployment and Service failed: ${describeError(e)}`, website.status?.readyReplicas));
    } catch {
      // The apply error is the one to report and retry; a failing status write is retried with it.
    }
    return { result: 'error', error };
  }

  const readiness = deploymentReadiness(deployment, website.spec.replicas ?? SPEC_DEFAULTS.replicas);
  const status = readiness.ready
    ? ready('True', Reason.Available, readiness.message, readiness.readyReplicas)
    : ready('False', Reason.Progressing, readiness.message, readiness.readyReplicas);
  const statusPatched = await writeStatus(ctx, website, status);
  return { result: 'success', ready: readiness.ready, statusPatched };
}

