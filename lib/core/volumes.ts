import { k8s } from 'cdk8s-plus-27';

/** A size-capped emptyDir: the writable scratch space a read-only root filesystem needs (/tmp, sockets, rendered config). */
export function emptyDir(name: string, sizeLimit: string, medium?: 'Memory'): k8s.Volume {
  return { name, emptyDir: { sizeLimit: k8s.Quantity.fromString(sizeLimit), ...(medium ? { medium } : {}) } };
}
