import * as fs from 'fs';
import * as path from 'path';
import { PROJECT_ROOT } from '../core/paths';

/** The scripts the pods run, shipped in one ConfigMap directory (each sources lib.sh from its own directory). */
export const SCRIPT_FILES = ['lib.sh', 'config.sh', 'bootstrap.sh', 'probe.sh', 'backup.sh'] as const;
export type ScriptFile = (typeof SCRIPT_FILES)[number];

/** Where the scripts live in the repository (read at synth time; tsc does not copy them to build/). */
export const SCRIPTS_SOURCE_DIR = path.join(PROJECT_ROOT, 'lib', 'mysql', 'scripts');

let cache: Record<ScriptFile, string> | undefined;

/** The scripts' contents by file name. */
export function mysqlScripts(): Readonly<Record<ScriptFile, string>> {
  cache ??= Object.fromEntries(SCRIPT_FILES.map((f) => [f, fs.readFileSync(path.join(SCRIPTS_SOURCE_DIR, f), 'utf8')])) as Record<ScriptFile, string>;
  return cache;
}

