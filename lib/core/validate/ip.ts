/**
 * The one IPv4/IPv6 address and CIDR parser of Platform Kit: the config loader, the constructs (`Peers.cidr`, NFS
 * servers, scrape targets) and the NetworkPolicy evaluator all call it, so a value is never accepted by one and
 * skipped by another (`010.244.0.0/16` used to pass the config and then be ignored by the evaluator).
 *
 * Addresses are held as a bigint plus their family, so one code path serves both families.
 * Parsing is strict in the way Go's `net.ParseIP` / `net.ParseCIDR` are (which the API server uses):
 * IPv4 octets are decimal without leading zeros, IPv6 allows one `::` and a dotted IPv4 tail, no zone.
 * Like `net.ParseCIDR`, a CIDR with host bits set (`10.0.0.7/24`) is accepted and means its network.
 */

import { rule } from './rule';

export type IpFamily = 4 | 6;

export interface IpAddress {
  readonly family: IpFamily;
  readonly value: bigint;
}

export interface Cidr {
  readonly family: IpFamily;
  /** The network address (host bits cleared). */
  readonly network: bigint;
  readonly prefixLength: number;
  /** The CIDR as written by the user, for messages. */
  readonly text: string;
}

const BITS: Record<IpFamily, number> = { 4: 32, 6: 128 };

function parseIpv4(text: string): bigint | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0n;
  for (const part of parts) {
    if (!/^(0|[1-9][0-9]{0,2})$/.test(part)) return undefined;
    const octet = Number(part);
    if (octet > 255) return undefined;
    value = (value << 8n) | BigInt(octet);
  }
  return value;
}

function parseHextets(text: string): bigint[] | undefined {
  if (text === '') return [];
  const groups = text.split(':');
  const out: bigint[] = [];
  for (const group of groups) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(group)) return undefined;
    out.push(BigInt(`0x${group}`));
  }
  return out;
}

function parseIpv6(text: string): bigint | undefined {
  let body = text;
  // A dotted IPv4 tail stands for the last two hextets.
  let tail: bigint[] = [];
  const lastColon = body.lastIndexOf(':');
  if (lastColon >= 0 && body.slice(lastColon + 1).includes('.')) {
    const v4 = parseIpv4(body.slice(lastColon + 1));
    if (v4 === undefined) return undefined;
    tail = [v4 >> 16n, v4 & 0xffffn];
    // Keep the colon when it is part of "::" so the split below still sees the compression.
    body = body.slice(0, lastColon + 1);
    if (body.endsWith('::')) {
      // "::1.2.3.4" or "x::1.2.3.4": the compression ends the head.
    } else if (body.endsWith(':')) {
      body = body.slice(0, -1);
    }
  }
  const compression = body.indexOf('::');
  let groups: bigint[];
  if (compression >= 0) {
    if (body.indexOf('::', compression + 1) >= 0) return undefined;
    const head = parseHextets(body.slice(0, compression));
    const rest = parseHextets(body.slice(compression + 2));
    if (head === undefined || rest === undefined) return undefined;
    const missing = 8 - head.length - rest.length - tail.length;
    if (missing < 1) return undefined;
    groups = [...head, ...new Array<bigint>(missing).fill(0n), ...rest, ...tail];
  } else {
    const all = parseHextets(body);
    if (all === undefined) return undefined;
    groups = [...all, ...tail];
    if (groups.length !== 8) return undefined;
  }
  return groups.reduce((acc, group) => (acc << 16n) | group, 0n);
}

/** Parses an IPv4 or IPv6 address; `undefined` when the text is not one. */
export function parseIp(text: string): IpAddress | undefined {
  if (typeof text !== 'string') return undefined;
  if (text.includes(':')) {
    const value = parseIpv6(text);
    return value === undefined ? undefined : { family: 6, value };
  }
  const value = parseIpv4(text);
  return value === undefined ? undefined : { family: 4, value };
}

function mask(family: IpFamily, prefixLength: number): bigint {
  const bits = BigInt(BITS[family]);
  const all = (1n << bits) - 1n;
  return (all >> BigInt(prefixLength)) ^ all;
}

/** Parses `address/prefix`; `undefined` when the text is not a CIDR. */
export function parseCidr(text: string): Cidr | undefined {
  if (typeof text !== 'string') return undefined;
  const slash = text.indexOf('/');
  if (slash < 0) return undefined;
  const address = parseIp(text.slice(0, slash));
  const prefixText = text.slice(slash + 1);
  if (address === undefined || !/^(0|[1-9][0-9]{0,2})$/.test(prefixText)) return undefined;
  const prefixLength = Number(prefixText);
  if (prefixLength > BITS[address.family]) return undefined;
  return {
    family: address.family,
    network: address.value & mask(address.family, prefixLength),
    prefixLength,
    text,
  };
}

/** Whether the address lies in the CIDR (addresses of the other family never do). */
export function cidrContains(cidr: Cidr, ip: IpAddress): boolean {
  return cidr.family === ip.family && (ip.value & mask(cidr.family, cidr.prefixLength)) === cidr.network;
}

/** Whether `inner` is a strict subset of `outer` (same family, longer prefix, inside it). */
export function cidrStrictlyContains(outer: Cidr, inner: Cidr): boolean {
  return (
    outer.family === inner.family &&
    inner.prefixLength > outer.prefixLength &&
    cidrContains(outer, { family: inner.family, value: inner.network })
  );
}

/** Whether `outer` covers all of `inner` (equal blocks included); false for unparsable text or mixed families. */
export function cidrCovers(outer: string, inner: string): boolean {
  const o = parseCidr(outer);
  const i = parseCidr(inner);
  return o !== undefined && i !== undefined && o.prefixLength <= i.prefixLength && cidrContains(o, { family: i.family, value: i.network });
}

/** An IPv4 address in dotted decimal, no leading zeros (`10.10.10.101`). */
export function isIpv4(text: string): boolean {
  return parseIp(text)?.family === 4 && !text.includes(':');
}

/** An IPv4 CIDR block (`10.244.0.0/16`); leading zeros are refused, as Go's parser does. */
export function isIpv4Cidr(text: string): boolean {
  const cidr = parseCidr(text);
  return cidr?.family === 4 && !text.includes(':');
}

export const IPV4_ADDRESS = rule(isIpv4, 'is not an IPv4 address (example: "10.10.10.101"); write four numbers 0-255 without leading zeros');

export const IPV4_CIDR = rule(isIpv4Cidr, 'is not an IPv4 CIDR block (example: "10.244.0.0/16"; a single address is "10.10.10.200/32"); write an address without leading zeros and a mask /0-/32');
