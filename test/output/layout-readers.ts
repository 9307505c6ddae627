import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';

/**
 * How the two programs that read dist/ pick files, modelled on their source, so tests can check the layout
 * against them without a cluster (the real control-plane test does the same with the real kubectl).
 */

/** Byte order, as Go sorts directory entries (`os.ReadDir`, `filepath.Walk`). */
const byteOrder = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** kubectl's `FileExtensions`: the only files a directory argument contributes (compared case-sensitively). */
const KUBECTL_EXTENSIONS = ['.json', '.yaml', '.yml'];

/**
 * The files `kubectl apply -f DIR` (no `-R`) reads, in the order it applies them. kubectl walks DIR with Go's
 * `filepath.Walk` (entries in byte order), returns `SkipDir` for every folder below DIR when not recursive, and
 * ignores files whose extension is not in `FileExtensions` (cli-runtime `ExpandPathsToFileVisitors`).
 */
export function kubectlApplyFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isFile() && KUBECTL_EXTENSIONS.includes(path.extname(e.name)))
    .map((e) => e.name)
    .sort(byteOrder);
}

/** Every object `kubectl apply -f DIR` applies, in order: files as above, each file's documents top to bottom. */
export function kubectlApplySequence(dir: string): Array<{ file: string; manifest: any }> {
  return kubectlApplyFiles(dir).flatMap((file) =>
    parseAllDocuments(fs.readFileSync(path.join(dir, file), 'utf8'))
      .map((doc) => ({ file, manifest: doc.toJS() }))
      .filter((d) => d.manifest !== null));
}

/** An Argo CD Application's git source, as far as a directory-type source uses it. */
export interface DirectorySource {
  readonly path: string;
  readonly directory?: { readonly include?: string; readonly exclude?: string; readonly recurse?: boolean };
}

/** Argo CD's manifest files (reposerver `manifestFile`); jsonnet is evaluated, so it counts too. */
const ARGO_MANIFEST = /^.*\.(yaml|yml|json|jsonnet)$/;

/**
 * The files an Argo CD directory source reads, from a repository's file list (paths relative to its root). As in
 * the repo server's `findManifests`: walk `source.path`, skip every folder below it unless `recurse`, keep manifest
 * files, then drop those whose path relative to `source.path` matches `exclude` and keep only those matching
 * `include`.
 */
export function argoDirectoryFiles(repoFiles: readonly string[], source: DirectorySource): string[] {
  const root = source.path === '.' ? '' : `${source.path.replace(/\/$/, '')}/`;
  const { include, exclude, recurse } = source.directory ?? {};
  return repoFiles
    .filter((f) => f.startsWith(root))
    .filter((f) => {
      const rel = f.slice(root.length);
      if (!recurse && rel.includes('/')) return false;
      if (!ARGO_MANIFEST.test(path.posix.basename(rel))) return false;
      if (exclude !== undefined && globToRegExp(exclude).test(rel)) return false;
      return include === undefined || globToRegExp(include).test(rel);
    })
    .sort(byteOrder);
}

/**
 * Argo CD's `glob.Match(pattern, text)` (github.com/gobwas/glob compiled without separators): the whole text must
 * match, `*` matches any run of characters including `/`, `?` any one character. Classes and alternatives
 * (`[…]`, `{…}`) are refused here rather than modelled, so a pattern this cannot read fails the test loudly.
 */
export function globToRegExp(pattern: string): RegExp {
  if (/[[\]{}\\!]/.test(pattern)) throw new Error(`glob ${JSON.stringify(pattern)}: only * and ? are modelled`);
  const body = pattern.split('').map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^$()|]/g, '\\$&'))).join('');
  return new RegExp(`^${body}$`, 's');
}
