/**
 * The controller's Prometheus metrics, in the text exposition format (version 0.0.4) written here: four series do
 * not justify a dependency.
 */
export const RECONCILE_RESULTS = ['success', 'error', 'skipped', 'gone'] as const;
export type ReconcileOutcome = (typeof RECONCILE_RESULTS)[number];

export class Metrics {
  private readonly reconciles = new Map<ReconcileOutcome, number>(RECONCILE_RESULTS.map((r) => [r, 0]));
  private errors = 0;
  private leader = 0;

  /** @param queueDepth read at scrape time, so the gauge is never stale. */
  constructor(private readonly queueDepth: () => number = () => 0) {}

  reconciled(result: ReconcileOutcome): void {
    this.reconciles.set(result, (this.reconciles.get(result) ?? 0) + 1);
    if (result === 'error') this.errors += 1;
  }

  setLeader(leading: boolean): void {
    this.leader = leading ? 1 : 0;
  }

  reconcileCount(result: ReconcileOutcome): number {
    return this.reconciles.get(result) ?? 0;
  }

  render(): string {
    const lines = [
      '# HELP website_reconcile_total Reconciles of Websites, by result.',
      '# TYPE website_reconcile_total counter',
      ...RECONCILE_RESULTS.map((r) => `website_reconcile_total{result="${r}"} ${this.reconciles.get(r) ?? 0}`),
      '# HELP website_reconcile_errors_total Reconciles that failed and were retried with backoff.',
      '# TYPE website_reconcile_errors_total counter',
      `website_reconcile_errors_total ${this.errors}`,
      '# HELP website_workqueue_depth Websites waiting to be reconciled.',
      '# TYPE website_workqueue_depth gauge',
      `website_workqueue_depth ${this.queueDepth()}`,
      '# HELP website_leader 1 while this replica holds the leader Lease.',
      '# TYPE website_leader gauge',
      `website_leader ${this.leader}`,
    ];
    return `${lines.join('\n')}\n`;
  }
}
