import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { PROJECT_ROOT } from '../lib/core/paths';
import { imageRef, IMAGES, NEWEST_RELEASE, PinnedImage } from '../lib/versions';
import { supportStatus, versionsReport } from '../lib/versions-report';

/** Every `image` of every container, init container and CronJob/Job template in the committed dist/. */
function imagesInDist(): Set<string> {
  const found = new Set<string>();
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      for (const [key, value] of Object.entries(node)) {
        if ((key === 'containers' || key === 'initContainers') && Array.isArray(value)) {
          for (const c of value) if (typeof c?.image === 'string') found.add(c.image);
        }
        walk(value);
      }
    }
  };
  const files = (dir: string): string[] => fs.readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : e.name.endsWith('.yaml') ? [path.join(dir, e.name)] : []));
  for (const file of files(path.join(PROJECT_ROOT, 'dist'))) {
    for (const doc of parseAllDocuments(fs.readFileSync(file, 'utf8'))) walk(doc.toJSON());
  }
  return found;
}

const rows = Object.values(IMAGES) as PinnedImage[];

describe('the versions table (lib/versions.ts)', () => {
  test('has exactly one row per image in dist/: none missing, none stale', () => {
    // GIVEN the images the committed dist/ deploys
    const inDist = [...imagesInDist()].sort();
    // THEN the table lists each of them once, and nothing else
    expect(inDist.length).toBeGreaterThan(0);
    expect(rows.map(imageRef).sort()).toEqual(inDist);
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

  test('no pinned line had ended on the day the pins were checked (2026-12-01)', () => {
    const checked = new Date('2026-12-01T12:00:00Z');
    expect(rows.filter((pin) => supportStatus(pin, checked).startsWith('ENDED')).map(imageRef)).toEqual([]);
  });
});

describe('the versions report (npm run versions)', () => {
  const lts: PinnedImage = { repository: 'x/y', tag: 'v1.0.0', line: '1.0', supportEnds: '2027-07-01', source: 'test', usedBy: 'test' };

  test('judges a support end date against the day it is given, not the clock', () => {
    expect(supportStatus(lts, new Date('2026-12-01T00:00:00Z'))).toBe('supported (212 days left)');
    expect(supportStatus(lts, new Date('2027-05-01T23:59:00Z'))).toBe('ends in 61 day(s): plan the upgrade');
    expect(supportStatus(lts, new Date('2027-07-11T08:00:00Z'))).toBe('ENDED 10 day(s) ago: move this pin');
    expect(supportStatus({ ...lts, supportEnds: NEWEST_RELEASE }, new Date('2030-01-01'))).toBe('check: patched only while newest');
  });

  test('prints every row with its status and its source, and says when a line has ended', () => {
    const today = new Date('2026-12-01T00:00:00Z');
    const report = versionsReport(today);
    for (const pin of rows) {
      expect(report).toContain(imageRef(pin));
      expect(report).toContain(pin.source);
    }
    expect(report).toContain('status on 2026-12-01');
    expect(report).toContain('No pinned line has passed its support end date.');
    expect(versionsReport(new Date('2031-01-01T00:00:00Z'))).toMatch(/\d+ pinned line\(s\) past their support end date/);
  });
});
