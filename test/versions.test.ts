import * as fs from 'fs';
import * as path from 'path';
import { parse, parseAllDocuments, stringify } from 'yaml';
import { parseConfig } from '../lib/config/load';
import { synthesize } from '../lib/pipeline/synthesize';
import { BIG_CLUSTER, declaringBlobs, LAB_OBJECT_STORE } from './registry/fixtures';
import { PROJECT_ROOT } from '../lib/core/paths';
import { imageRef, IMAGES, NEWEST_RELEASE, PinnedImage } from '../lib/versions';
import { supportStatus, versionsReport } from '../lib/versions-report';

const DEFAULT_YAML = fs.readFileSync(path.join(PROJECT_ROOT, 'platform.yaml'), 'utf8');

/**
 * The default platform.yaml with each part it leaves off turned on, one at a time: the registry (on a cluster big
 * enough for it, its blobs declared as backed up on the NFS server), and Velero (an object store given).
 */
function partsLeftOffPlatforms(): string[] {
  const platform = parse(DEFAULT_YAML);
  const withRegistry = declaringBlobs({ ...platform, ...parse(BIG_CLUSTER), registry: { enabled: true } });
  const withVelero = { ...platform, backup: { ...platform.backup, velero: { objectStore: LAB_OBJECT_STORE } } };
  return [withRegistry, withVelero].map((p) => stringify(p));
}

/**
 * Every `image` of every container and init container of `objects` (CronJob and Job templates included), and every
 * image a controller is told to run in the pods it creates (an env variable `*_IMAGE` of a container, as the website
 * controller's WEBSITE_NGINX_IMAGE and WEBSITE_GIT_SYNC_IMAGE).
 */
function imagesOf(objects: readonly unknown[]): Set<string> {
  const found = new Set<string>();
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      for (const [key, value] of Object.entries(node)) {
        if ((key === 'containers' || key === 'initContainers') && Array.isArray(value)) {
          for (const c of value) if (typeof c?.image === 'string') found.add(c.image);
          for (const c of value) for (const e of c?.env ?? []) if (/_IMAGE$/.test(e?.name) && typeof e.value === 'string') found.add(e.value);
        }
        walk(value);
      }
    }
  };
  objects.forEach(walk);
  return found;
}

/** The objects of the committed dist/ (every YAML file, needs-* folders included). */
function distObjects(): unknown[] {
  const files = (dir: string): string[] => fs.readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : e.name.endsWith('.yaml') ? [path.join(dir, e.name)] : []));
  return files(path.join(PROJECT_ROOT, 'dist')).flatMap((file) => parseAllDocuments(fs.readFileSync(file, 'utf8')).map((doc) => doc.toJSON()));
}

const rows = Object.values(IMAGES) as PinnedImage[];

describe('the versions table (lib/versions.ts)', () => {
  test('has exactly one row per image that dist/ or a part it leaves off deploys: none missing, none stale', () => {
    // GIVEN the images of the committed dist/ and of the parts the default leaves off
    const everyPart = partsLeftOffPlatforms().flatMap((yaml) => synthesize(parseConfig(yaml)).files.flatMap((f) => f.objects.map((o) => o.manifest)));
    const deployed = [...new Set([...imagesOf(distObjects()), ...imagesOf(everyPart)])].sort();
    // THEN the table lists each of them once, and nothing else
    expect([...imagesOf(distObjects())].length).toBeGreaterThan(0);
    expect(deployed.some((i) => i.includes('goharbor')) && deployed.some((i) => i.startsWith('velero/velero:'))).toBe(true);
    expect(rows.map(imageRef).sort()).toEqual(deployed);
  });

  test('every row names its line, a support end (a date or "newest release") and a source', () => {
    for (const pin of rows) {
      expect(pin.tag).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/);
      expect(pin.tag).not.toBe('latest');
      expect(pin.line).not.toBe('');
      expect(pin.source.length).toBeGreaterThan(20);
      expect(pin.supportEnds === NEWEST_RELEASE || !Number.isNaN(Date.parse(`${pin.supportEnds}T00:00:00Z`))).toBe(true);
    }
  });

  test('no pinned line had ended on the day the pins were checked (2026-12-01), but those kept for a recorded reason', () => {
    const checked = new Date('2026-12-01T12:00:00Z');
    expect(rows.filter((pin) => supportStatus(pin, checked).startsWith('ENDED') && !pin.keptBecause).map(imageRef)).toEqual([]);
    // A recorded reason is for an ended line only: a supported pin needs none
    expect(rows.filter((pin) => pin.keptBecause && !supportStatus(pin, checked).startsWith('ENDED')).map(imageRef)).toEqual([]);
  });

  test('the report names each pin kept past its end, with its reason', () => {
    const report = versionsReport(new Date('2026-12-01T12:00:00Z'));
    expect(report).toMatch(/Kept although the line ended \(recorded reasons\):\n- velero\/velero:v1\.14\.1: the Velero CRDs this project validates against/);
  });
});

describe('the versions report (npm run versions)', () => {
  const lts: PinnedImage = { repository: 'x/y', tag: 'v1.0.0', line: '1.0', supportEnds: '2027-07-01', source: 'test', usedBy: 'test' };

  test('judges a support end date against the day it is given, not the clock', () => {
    expect(supportStatus(lts, new Date('2026-12-01T00:00:00Z'))).toBe('supported (212 days left)');
    expect(supportStatus(lts, new Date('2027-05-01T23:59:00Z'))).toBe('ends in 61 day(s): plan the upgrade');
    expect(supportStatus(lts, new Date('2027-07-11T08:00:00Z'))).toBe('ENDED 10 day(s) ago: move this pin');
    expect(supportStatus({ ...lts, supportEnds: NEWEST_RELEASE }, new Date('2030-01-01'))).toBe('check: patched only while newest');
    expect(supportStatus({ ...lts, supportEnds: NEWEST_RELEASE, builtFrom: 'controller/website/Dockerfile' }, new Date('2030-01-01'))).toBe('built here (controller/website/Dockerfile)');
  });

  test('prints every row with its status and its source, and says when a line has ended', () => {
    const today = new Date('2026-12-01T00:00:00Z');
    const report = versionsReport(today);
    for (const pin of rows) {
      expect(report).toContain(imageRef(pin));
      expect(report).toContain(pin.source);
    }
    expect(report).toContain('status on 2026-12-01');
    // Velero and its plugin are past their end, kept for a recorded reason (the other rows are not)
    expect(report).toContain('2 pinned line(s) past their support end date: see README "Upgrading".');
    expect(versionsReport(new Date('2026-01-01T00:00:00Z'))).toContain('No pinned line has passed its support end date.');
    expect(versionsReport(new Date('2031-01-01T00:00:00Z'))).toMatch(/\d+ pinned line\(s\) past their support end date/);
  });
});
