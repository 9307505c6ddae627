import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Chart, Testing } from 'cdk8s';
import { EtcdSnapshot, EtcdSnapshotProps, FILE_SNAPSHOTS_SCRIPT } from '../../lib/backup/etcd-snapshot';

const THREE = [{ name: 'master1', ip: '192.168.66.11' }, { name: 'master2', ip: '192.168.66.12' }, { name: 'cp.lab.example', ip: '192.168.66.13' }];

function render(props: Partial<EtcdSnapshotProps> = {}) {
  const chart = new Chart(Testing.app(), 'Test');
  const construct = new EtcdSnapshot(chart, 'Etcd', { namespace: 'backup', members: THREE, nfsServer: '10.0.0.100', ...props });
  return { construct, manifests: Testing.synth(chart) };
}

describe('EtcdSnapshot', () => {
  test('defaults: every six hours, eight kept, export /nfs_etcd_backup, Secret etcd-backup-client', () => {
    const { construct } = render();
    expect([construct.schedule, construct.keep, construct.exportPath, construct.clientSecret, construct.size]).toEqual(['0 */6 * * *', 8, '/nfs_etcd_backup', 'etcd-backup-client', '5Gi']);
  });

  test('three control planes: a save and a verify step per member, in order, and a flow to each on 2379', () => {
    const { manifests } = render();
    const pod = manifests.find((m) => m.kind === 'CronJob').spec.jobTemplate.spec.template.spec;
    expect(pod.initContainers.map((c: any) => c.name)).toEqual([
      'save-master1', 'verify-master1', 'save-master2', 'verify-master2', 'save-cp-lab-example', 'verify-cp-lab-example',
    ]);
    expect(pod.initContainers[2].command).toContain('--endpoints=https://192.168.66.12:2379');
    expect(pod.containers[0].env.find((e: any) => e.name === 'MEMBERS').value).toBe('master1 master2 cp.lab.example');
    const egress = manifests.filter((m) => m.kind === 'NetworkPolicy').map((m) => m.spec.egress[0].to[0].ipBlock.cidr);
    expect(egress).toEqual(['192.168.66.11/32', '192.168.66.12/32', '192.168.66.13/32']);
  });

  test('every container is hardened and the client key is mounted read-only for the save steps only', () => {
    const { manifests } = render();
    const pod = manifests.find((m) => m.kind === 'CronJob').spec.jobTemplate.spec.template.spec;
    for (const c of [...pod.initContainers, ...pod.containers]) {
      expect(c.securityContext).toMatchObject({ runAsNonRoot: true, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
      expect(c.volumeMounts.some((m: any) => m.name === 'client')).toBe(c.name.startsWith('save-'));
    }
  });

  test('the filing step keeps the newest N per member', () => {
    expect(FILE_SNAPSHOTS_SCRIPT).toContain('sort -r | tail -n +$((KEEP + 1)) | xargs -r rm -f');
    const { manifests } = render({ keep: 3 });
    expect(manifests.find((m) => m.kind === 'CronJob').spec.jobTemplate.spec.template.spec.containers[0].env).toContainEqual({ name: 'KEEP', value: '3' });
  });

  test('validates its props', () => {
    expect(() => render({ members: [] })).toThrow(/members is empty; give the control-plane nodes/);
    expect(() => render({ keep: 0 })).toThrow(/keep 0 must be a whole number >= 1/);
  });
});

describe('the filing script, run by sh', () => {
  // GIVEN a snapshot directory with ten old snapshots of one member and a fresh verified one for each of two members

  test('files each incoming snapshot under its member and keeps the newest KEEP', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'etcd-snap-'));
    fs.mkdirSync(path.join(dir, 'm1'));
    for (let i = 0; i < 10; i++) fs.writeFileSync(path.join(dir, 'm1', `etcd-m1-2020010${i}T000000Z.db`), 'old');
    fs.writeFileSync(path.join(dir, 'incoming-m1.db'), 'new1');
    fs.writeFileSync(path.join(dir, 'incoming-m2.db'), 'new2');
    // WHEN the script runs with KEEP=3
    execFileSync('/bin/sh', ['-c', FILE_SNAPSHOTS_SCRIPT], { env: { PATH: process.env.PATH, MEMBERS: 'm1 m2', KEEP: '3', SNAPSHOT_DIR: dir } });
    // THEN nothing is left incoming, m1 keeps the new one and the two newest old ones, m2 has its first
    const m1 = fs.readdirSync(path.join(dir, 'm1')).sort();
    expect(fs.readdirSync(dir).filter((f) => f.startsWith('incoming-'))).toEqual([]);
    expect(m1.slice(0, 2)).toEqual(['etcd-m1-20200108T000000Z.db', 'etcd-m1-20200109T000000Z.db']);
    expect(m1).toHaveLength(3);
    expect(fs.readFileSync(path.join(dir, 'm1', m1[2]), 'utf8')).toBe('new1');
    expect(fs.readdirSync(path.join(dir, 'm2'))).toEqual([expect.stringMatching(/^etcd-m2-\d{8}T\d{6}Z\.db$/)]);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('fails, and files nothing, when a member\'s snapshot is missing', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'etcd-snap-'));
    expect(() => execFileSync('/bin/sh', ['-c', FILE_SNAPSHOTS_SCRIPT], { env: { PATH: process.env.PATH, MEMBERS: 'm1', KEEP: '3', SNAPSHOT_DIR: dir }, stdio: 'pipe' })).toThrow();
    expect(fs.readdirSync(path.join(dir, 'm1'))).toEqual([]);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
