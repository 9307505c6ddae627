import { IPV4_CIDR, isIpv4, isIpv4Cidr, parseCidr, problemOf } from '../../../lib/core/validate';
import { parseCidr as evaluatorParseCidr } from '../../../lib/checks/network/cidr';
import { Peers } from '../../../lib/network/peer';
import { isNfsServer } from '../../../lib/storage/nfs-volume';

describe('one IPv4/CIDR parser', () => {
  test.each([
    ['10.244.0.0/16', true], ['0.0.0.0/0', true], ['10.10.10.200/32', true], ['10.0.0.7/24', true],
    ['010.244.0.0/16', false], ['10.244.00.0/16', false], ['10.244.0.0/016', false], ['10.244.0.0', false],
    ['10.244.0.256/16', false], ['10.244.0.0/33', false], ['::/0', false], [' 10.0.0.0/8', false],
  ])('isIpv4Cidr(%j) → %s', (text, ok) => {
    expect(isIpv4Cidr(text)).toBe(ok);
  });

  test.each([
    ['10.10.10.101', true], ['0.0.0.0', true], ['255.255.255.255', true],
    ['010.10.10.101', false], ['10.10.10.01', false], ['10.10.10', false], ['10.10.10.256', false], ['::1', false],
  ])('isIpv4(%j) → %s', (text, ok) => {
    expect(isIpv4(text)).toBe(ok);
  });

  test('the evaluator, the config formats, Peers.cidr and NFS servers agree on leading zeros', () => {
    // GIVEN a block with a leading zero THEN every caller refuses it, none skips it silently
    expect(evaluatorParseCidr).toBe(parseCidr);
    expect(parseCidr('010.244.0.0/16')).toBeUndefined();
    expect(() => Peers.cidr('010.244.0.0/16', 'x')).toThrow(/is not an IPv4 CIDR/);
    expect(isNfsServer('010.10.10.101')).toBe(false);
    expect(problemOf(IPV4_CIDR, '010.244.0.0/16', 'cluster.podCidr')).toMatch(/^cluster\.podCidr: "010\.244\.0\.0\/16" is not an IPv4 CIDR block .*without leading zeros/);
  });
});
