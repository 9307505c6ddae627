import { show } from '../core/errors';
import { RBAC_EXEMPTION } from '../core/security';
import { SynthesizedObject } from '../output/synthesized';
import { describe } from './manifest-checks';

/** Verbs that only read. */
const READ_VERBS = new Set(['get', 'list', 'watch']);

/** Verbs that let a role's holder grant itself more than it holds (`*` includes all three). */
const GRANTING_VERBS = ['*', 'escalate', 'bind', 'impersonate'];

/**
 * Least privilege for every Role and ClusterRole in dist/: no wildcard verbs or resources (a read-only wildcard only
 * with a recorded reason), and none of the verbs that let a holder give itself more (escalate, bind, impersonate). Without them the API server's own escalation check
 * stops a holder from writing or binding a Role broader than what it already has.
 */
export function checkRbacLeastPrivilege(objects: readonly SynthesizedObject[]): string[] {
  const problems: string[] = [];
  for (const o of objects) {
    const m = o.manifest;
    if ((m.kind !== 'Role' && m.kind !== 'ClusterRole') || !String(m.apiVersion).startsWith('rbac.authorization.k8s.io/')) continue;
    (m.rules ?? []).forEach((rule: any, i: number) => {
      const granting = (rule.verbs ?? []).filter((v: string) => GRANTING_VERBS.includes(v));
      if (granting.length > 0) {
        problems.push(`${describe(o)}: rules[${i}] grants ${granting.map(show).join(', ')}, which lets its holder grant itself more; list the verbs it needs (get, list, watch, create, update, patch, delete).`);
      }
      const readOnly = (rule.verbs ?? []).every((v: string) => READ_VERBS.has(v));
      const reason = m.metadata?.annotations?.[RBAC_EXEMPTION];
      if ((rule.resources ?? []).includes('*') && !(readOnly && typeof reason === 'string' && reason.trim() !== '')) {
        problems.push(`${describe(o)}: rules[${i}] covers every resource ("*"); list the resources it needs${readOnly ? ` (a reader of everything, such as a backup tool, needs the ${RBAC_EXEMPTION} annotation with its reason)` : ''}.`);
      }
    });
  }
  return problems;
}
