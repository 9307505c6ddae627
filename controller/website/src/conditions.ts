/** metav1.Condition bookkeeping: `lastTransitionTime` moves only when `status` changes (as apimachinery's SetStatusCondition). */
import type { Condition, ConditionStatus } from './website';

export interface ConditionUpdate {
  readonly type: string;
  readonly status: ConditionStatus;
  readonly reason: string;
  readonly message: string;
  readonly observedGeneration?: number;
}

/** `conditions` with `update` set: other types are kept in place, a new type is appended. */
export function setCondition(conditions: readonly Condition[] | undefined, update: ConditionUpdate, now: Date): Condition[] {
  const existing = (conditions ?? []).find((c) => c.type === update.type);
  const lastTransitionTime = existing !== undefined && existing.status === update.status ? existing.lastTransitionTime : now.toISOString().replace(/\.\d{3}Z$/, 'Z');
  const next: Condition = {
    type: update.type,
    status: update.status,
    ...(update.observedGeneration === undefined ? {} : { observedGeneration: update.observedGeneration }),
    lastTransitionTime,
    reason: update.reason,
    message: update.message,
  };
  if (existing === undefined) return [...(conditions ?? []), next];
  return (conditions ?? []).map((c) => (c.type === update.type ? next : c));
}

export function findCondition(conditions: readonly Condition[] | undefined, type: string): Condition | undefined {
  return (conditions ?? []).find((c) => c.type === type);
}
