import * as fs from 'fs';
import * as path from 'path';
import { parseDocument } from 'yaml';
import { PROJECT_ROOT } from '../lib/core/paths';

/** The base platform plus `count` generated tenants `t0001…`, appended to its tenant list. */
export function benchConfig(count: number): string {
  const doc = parseDocument(fs.readFileSync(path.join(PROJECT_ROOT, 'bench', 'base-platform.yaml'), 'utf8'));
  for (let i = 1; i <= count; i++) doc.addIn(['tenants'], { name: `t${String(i).padStart(4, '0')}` });
  return doc.toString();
}
