import * as buffer from 'buffer';
import { UserError } from '../core/errors';
import { excerpt } from './yaml-syntax';

/**
 * The text of a config file, refused unless it is UTF-8. `readFileSync(file, 'utf8')` turns every byte that is not
 * UTF-8 into U+FFFD without a word, so a Latin-1 "é" went to dist/ as "�", and a UTF-16 file read as NUL-laced
 * garbage ("not a platform description"). A UTF-8 byte-order mark is kept (the YAML parser skips it, as before).
 */
export function decodeConfig(bytes: Buffer, source: string): string {
  const utf16 = utf16Kind(bytes);
  if (utf16 !== undefined) {
    throw new UserError(`${source}: not UTF-8 text`, [`the file is saved as UTF-16 (${utf16}); save it as UTF-8 (in most editors: "Save with encoding" or "Encoding" → UTF-8)`]);
  }
  if (looksBinary(bytes)) {
    throw new UserError(`${source}: not a text file`, ['the file holds binary data (control bytes such as NUL throughout, like a program or an archive); pass the platform.yaml text file with --config <file>.']);
  }
  // Buffer.isUtf8 (native) is the fast path; the scan below only runs to find where a refused file goes wrong.
  if (typeof buffer.isUtf8 === 'function' ? buffer.isUtf8(bytes) : firstInvalidUtf8(bytes) === -1) return bytes.toString('utf8');
  const at = firstInvalidUtf8(bytes);
  const text = bytes.toString('utf8');
  const lineStart = bytes.lastIndexOf(0x0a, at - 1) + 1;
  let line = 1;
  for (let i = bytes.indexOf(0x0a); i !== -1 && i < at; i = bytes.indexOf(0x0a, i + 1)) line++;
  // Columns count characters as the YAML messages do (UTF-16 units): the bytes before it on its line are valid UTF-8.
  const col = bytes.subarray(lineStart, at).toString('utf8').length + 1;
  const byte = bytes[at];
  // A lone byte from 0xA0 up is, in Latin-1 / Windows-1252 (what such files are usually saved as), a letter.
  const guess = byte >= 0xa0 ? ` (probably saved as Latin-1 or Windows-1252, where it is ${JSON.stringify(String.fromCharCode(byte))})` : '';
  throw new UserError(`${source}: not UTF-8 text`, [
    `line ${line}, column ${col}: byte 0x${byte.toString(16).toUpperCase().padStart(2, '0')} is not valid UTF-8${guess}; save the file as UTF-8\n${excerpt(text, line, col)}`,
  ]);
}

/** 'little-endian' / 'big-endian' when the bytes are UTF-16: a byte-order mark, or a NUL in every other byte (ASCII text). */
function utf16Kind(bytes: Buffer): string | undefined {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return 'little-endian';
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return 'big-endian';
  const sample = Math.min(bytes.length, 1024) & ~1;
  if (sample < 4) return undefined;
  let evenNul = 0;
  let oddNul = 0;
  for (let i = 0; i < sample; i += 2) {
    if (bytes[i] === 0) evenNul++;
    if (bytes[i + 1] === 0) oddNul++;
  }
  const pairs = sample / 2;
  if (oddNul > pairs * 0.4 && evenNul < pairs * 0.05) return 'little-endian';
  if (evenNul > pairs * 0.4 && oddNul < pairs * 0.05) return 'big-endian';
  return undefined;
}

/** Whether the start of the file is mostly control bytes: a program or an archive, where a "Latin-1?" guess would mislead. */
function looksBinary(bytes: Buffer): boolean {
  const sample = bytes.subarray(0, 8192);
  let control = 0;
  for (const b of sample) if (b < 0x09 || (b > 0x0d && b < 0x20)) control++;
  return sample.length > 0 && control > sample.length * 0.1;
}

/** The offset of the first byte that does not start a well-formed UTF-8 sequence (RFC 3629), or -1. */
export function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i];
    if (c < 0x80) {
      i++;
      continue;
    }
    // Lead byte → continuation count and the range of the second byte (excludes overlong forms and surrogates).
    let n: number;
    let low = 0x80;
    let high = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) n = 1;
    else if (c >= 0xe0 && c <= 0xef) {
      n = 2;
      if (c === 0xe0) low = 0xa0;
      if (c === 0xed) high = 0x9f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      n = 3;
      if (c === 0xf0) low = 0x90;
      if (c === 0xf4) high = 0x8f;
    } else return i;
    if (i + n >= b.length) return i;
    if (b[i + 1] < low || b[i + 1] > high) return i;
    for (let k = 2; k <= n; k++) if ((b[i + k] & 0xc0) !== 0x80) return i;
    i += n + 1;
  }
  return -1;
}
