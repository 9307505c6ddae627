/**
 * What the controller needs of an informer: events, a cache to list, start and stop. client-node's makeInformer
 * (kube-client.ts) is one; tests use a fake. makeInformer resumes a closed watch from its last resourceVersion and
 * relists on 410 Gone by itself; on any other error it stops and reports `error`, and the controller restarts it.
 */
export interface WatchSource<T> {
  on(event: 'add' | 'update' | 'delete', cb: (obj: T) => void): void;
  on(event: 'error', cb: (err: unknown) => void): void;
  /** The objects listed and watched so far. */
  list(): T[];
  /** Lists, then watches. Resolves once the list is in the cache, or once it failed (and `error` was emitted). */
  start(): Promise<void>;
  stop(): Promise<void>;
  /** True once a start() has listed successfully. */
  hasSynced(): boolean;
}
