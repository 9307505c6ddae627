import * as fs from 'fs';
import * as path from 'path';
import { PROJECT_ROOT } from '../../lib/core/paths';

/** Every .ts file below lib/ (generated imports excluded). */
function libFiles(dir = path.join(PROJECT_ROOT, 'lib')): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'imports' ? [] : libFiles(p);
    return e.name.endsWith('.ts') ? [p] : [];
  });
}

// One owner per rule: a pod's security contexts come from hardenedPodSpec, so a hardening rule changes in one place.
describe('hardenedPodSpec is the one builder of a pod\'s security contexts', () => {
  test('no part writes the restricted contexts itself (registry/component.ts only derives its no-fsGroup variant)', () => {
    // GIVEN every source file of lib/ but the two that own the rule
    const owners = new Set(['core/security.ts', 'core/hardened-pod.ts']);
    const users = libFiles()
      .map((f) => path.relative(path.join(PROJECT_ROOT, 'lib'), f))
      .filter((f) => !owners.has(f) && /restricted(Pod|Container)Security\(/.test(fs.readFileSync(path.join(PROJECT_ROOT, 'lib', f), 'utf8')));
    // THEN only Harbor's pod builder names the restricted pod context (to pass PostgreSQL's a copy without fsGroup)
    expect(users).toEqual(['registry/component.ts']);
    expect(fs.readFileSync(path.join(PROJECT_ROOT, 'lib', 'registry', 'component.ts'), 'utf8')).toMatch(/return hardenedPodSpec\(\{/);
  });
});
