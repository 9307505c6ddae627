import { imageRef, IMAGES, NEWEST_RELEASE, PinnedImage } from './versions';

const DAY_MS = 24 * 60 * 60 * 1000;
/** Rows whose support ends within this many days are flagged, so an upgrade can be planned before the date. */
export const SOON_DAYS = 90;

/** Where one pin stands on a given day. */
export function supportStatus(pin: PinnedImage, today: Date): string {
  // Our own image: its support is this repository's, and its base image is pinned in the Dockerfile named.
  if (pin.builtFrom !== undefined) return `built here (${pin.builtFrom})`;
  if (pin.supportEnds === NEWEST_RELEASE) return 'check: patched only while newest';
  const ends = Date.parse(`${pin.supportEnds}T00:00:00Z`);
  const day = Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate());
  const left = Math.round((ends - day) / DAY_MS);
  if (left <= 0) return `ENDED ${-left} day(s) ago: move this pin`;
  if (left <= SOON_DAYS) return `ends in ${left} day(s): plan the upgrade`;
  return `supported (${left} days left)`;
}

/**
 * The versions table as text, with each line's support judged against `today`. A report, never a failure: the date
 * comes from the caller (`npm run versions` passes the clock), so tests can pass a fixed one.
 */
export function versionsReport(today: Date): string {
  const header = ['image', 'line', 'support ends', `status on ${today.toISOString().slice(0, 10)}`, 'used by'];
  const rows = Object.values(IMAGES).map((pin: PinnedImage) => [imageRef(pin), pin.line, pin.supportEnds, supportStatus(pin, today), pin.usedBy]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  const sources = Object.values(IMAGES).map((pin: PinnedImage) => `- ${imageRef(pin)}: ${pin.source}`);
  const kept = Object.values(IMAGES).flatMap((pin: PinnedImage) => (pin.keptBecause ? [`- ${imageRef(pin)}: ${pin.keptBecause}`] : []));
  const ended = rows.filter((r) => r[3].startsWith('ENDED')).length;
  return [
    line(header),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map(line),
    '',
    ended === 0 ? 'No pinned line has passed its support end date.' : `${ended} pinned line(s) past their support end date: see README "Upgrading".`,
    `"${NEWEST_RELEASE}": upstream promises no date; the line is patched while it is the newest, so check for a newer release.`,
    ...(kept.length > 0 ? ['', 'Kept although the line ended (recorded reasons):', ...kept] : []),
    '',
    'Sources:',
    ...sources,
    '',
  ].join('\n');
}
