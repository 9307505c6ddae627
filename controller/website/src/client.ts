/**
 * The few API calls a reconcile makes. reconcile.ts depends on this interface only, so its tests run against a
 * fake; kube-client.ts implements it with @kubernetes/client-node.
 */
import type { V1Deployment, V1Service } from '@kubernetes/client-node';
import type { Website, WebsiteStatus } from './website';

export interface WebsiteClient {
  /** The Website, or undefined when it is gone (404). */
  getWebsite(namespace: string, name: string): Promise<Website | undefined>;
  /** Server-side apply (fieldManager website-controller, force); returns the object as stored, status included. */
  applyDeployment(deployment: V1Deployment): Promise<V1Deployment>;
  applyService(service: V1Service): Promise<V1Service>;
  /** Merge-patches the status subresource (the whole `conditions` list: the controller is its only writer). */
  patchWebsiteStatus(namespace: string, name: string, status: WebsiteStatus): Promise<void>;
}

/** An error from the API server, with its HTTP status when there was one. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly statusCode?: number,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}
