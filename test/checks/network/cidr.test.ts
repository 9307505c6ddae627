import { cidrContains, cidrCovers, cidrStrictlyContains, parseCidr, parseIp } from '../../../lib/checks/network/cidr';

function contains(cidr: string, ip: string): boolean {
  const block = parseCidr(cidr);
  const address = parseIp(ip);
  if (block === undefined || address === undefined) throw new Error(`bad fixture ${cidr} ${ip}`);
  return cidrContains(block, address);
}

describe('parseIp', () => {
  test.each([
    ['10.0.0.1', 4, 0x0a000001n],
    ['255.255.255.255', 4, 0xffffffffn],
    ['0.0.0.0', 4, 0n],
    ['::', 6, 0n],
    ['::1', 6, 1n],
    ['2001:db8::1', 6, 0x20010db8000000000000000000000001n],
    ['2001:DB8:0:0:0:0:0:1', 6, 0x20010db8000000000000000000000001n],
    ['fe80::', 6, 0xfe800000000000000000000000000000n],
    ['::ffff:10.0.0.1', 6, 0xffff0a000001n],
    ['1:2:3:4:5:6:7.8.9.10', 6, 0x0001000200030004000500060708090an],
  ])('%s is IPv%d', (text, family, value) => {
    // GIVEN a valid address
    // WHEN it is parsed
    const parsed = parseIp(text);
    // THEN family and value are right
    expect(parsed).toEqual({ family, value });
  });

  test.each(['10.0.0', '10.0.0.256', '10.0.0.01', '1.2.3.4.5', '', 'a.b.c.d', '1::2::3', '1:2:3:4:5:6:7:8:9', '12345::', 'fe80::1%eth0', ':1:2:3:4:5:6:7'])(
    '%p is not an address',
    (text) => {
      // GIVEN malformed text
      // WHEN it is parsed
      // THEN nothing comes back
      expect(parseIp(text)).toBeUndefined();
    },
  );
});

describe('parseCidr and containment', () => {
  test('host bits are cleared, like net.ParseCIDR', () => {
    // GIVEN a CIDR written with host bits
    const parsed = parseCidr('10.0.0.77/24');
    // WHEN it is used
    // THEN it means its network
    expect(parsed).toEqual({ family: 4, network: 0x0a000000n, prefixLength: 24, text: '10.0.0.77/24' });
    expect(contains('10.0.0.77/24', '10.0.0.1')).toBe(true);
  });

  test.each(['10.0.0.0', '10.0.0.0/33', '10.0.0.0/-1', '10.0.0.0/08', '2001:db8::/129', 'x/8'])('%p is not a CIDR', (text) => {
    // GIVEN malformed text
    // WHEN it is parsed
    // THEN nothing comes back
    expect(parseCidr(text)).toBeUndefined();
  });

  test.each([
    ['172.17.0.0/16', '172.17.0.0', true],
    ['172.17.0.0/16', '172.17.255.255', true],
    ['172.17.0.0/16', '172.16.255.255', false],
    ['172.17.0.0/16', '172.18.0.0', false],
    ['10.0.0.5/32', '10.0.0.5', true],
    ['10.0.0.5/32', '10.0.0.4', false],
    ['0.0.0.0/0', '203.0.113.1', true],
    ['0.0.0.0/0', '::1', false],
    ['::/0', '10.0.0.1', false],
    ['::/0', '2001:db8::1', true],
    ['2001:db8::/32', '2001:db8:ffff::1', true],
    ['2001:db8::/32', '2001:db9::', false],
    ['2001:db8::/127', '2001:db8::1', true],
    ['2001:db8::/127', '2001:db8::2', false],
  ])('%s contains %s: %s', (cidr, ip, expected) => {
    // GIVEN a CIDR and an address
    // WHEN containment is checked
    // THEN the prefix decides, per family
    expect(contains(cidr, ip)).toBe(expected);
  });

  test('strict subsets', () => {
    // GIVEN a /16 and candidate exceptions
    const outer = parseCidr('172.17.0.0/16')!;
    // WHEN they are compared
    // THEN only smaller blocks inside it are strict subsets
    expect(cidrStrictlyContains(outer, parseCidr('172.17.1.0/24')!)).toBe(true);
    expect(cidrStrictlyContains(outer, parseCidr('172.17.0.0/16')!)).toBe(false);
    expect(cidrStrictlyContains(outer, parseCidr('172.18.1.0/24')!)).toBe(false);
    expect(cidrStrictlyContains(outer, parseCidr('172.0.0.0/8')!)).toBe(false);
  });
});

describe('cidrCovers', () => {
  test('covers itself and smaller blocks inside it, not overlapping or larger ones', () => {
    expect(cidrCovers('0.0.0.0/0', '10.244.0.0/16')).toBe(true);
    expect(cidrCovers('10.244.0.0/16', '10.244.0.0/16')).toBe(true);
    expect(cidrCovers('10.244.0.0/16', '10.0.0.0/8')).toBe(false);
    expect(cidrCovers('10.245.0.0/16', '10.244.0.0/16')).toBe(false);
    expect(cidrCovers('nonsense', '10.244.0.0/16')).toBe(false);
  });
});
