import { DEFAULT_NFS_MOUNT_OPTIONS, isExportPath, isNfsServer, NfsStorageClass, NfsVolume, NfsVolumeClaim } from '../../lib/storage/nfs-volume';
import { find, testChart } from '../support/helpers';

describe('NfsStorageClass', () => {
  test('defaults: "nfs", no provisioner, Immediate binding', () => {
    // GIVEN a storage class with no props WHEN rendered
    const chart = testChart();
    const sc = new NfsStorageClass(chart, 'Nfs');
    // THEN
    expect(sc.name).toBe('nfs');
    expect(find(chart.toJson(), 'StorageClass', 'nfs')).toEqual({
      apiVersion: 'storage.k8s.io/v1',
      kind: 'StorageClass',
      metadata: { name: 'nfs' },
      provisioner: 'kubernetes.io/no-provisioner',
      volumeBindingMode: 'Immediate',
      reclaimPolicy: 'Retain',
    });
  });

  test('name and labels', () => {
    // GIVEN a named, labelled class THEN both land on the object
    const chart = testChart();
    new NfsStorageClass(chart, 'Nfs', { name: 'nfs-slow', labels: { tier: 'slow' } });
    expect(find(chart.toJson(), 'StorageClass', 'nfs-slow').metadata.labels).toEqual({ tier: 'slow' });
  });

  test('refuses a name that is not a DNS name', () => {
    // GIVEN an invalid name THEN the constructor refuses it
    expect(() => new NfsStorageClass(testChart(), 'Nfs', { name: 'NFS_Class' })).toThrow(/NfsStorageClass: name "NFS_Class" is not a DNS name/);
  });
});

describe('NfsVolume', () => {
  const base = { name: 'mysql-pv1', server: '10.10.10.101', path: '/nfs_mysql1' };

  test('defaults: 5Gi, ReadWriteOnce, Retain, storage class nfs, hard NFSv4.1 mounts, not pre-bound', () => {
    // GIVEN only the required props WHEN rendered
    const chart = testChart();
    const volume = new NfsVolume(chart, 'Pv', base);
    const pv = find(chart.toJson(), 'PersistentVolume', 'mysql-pv1');
    // THEN every default is visible on the object and on the construct
    expect(pv.spec).toEqual({
      capacity: { storage: '5Gi' },
      accessModes: ['ReadWriteOnce'],
      volumeMode: 'Filesystem',
      persistentVolumeReclaimPolicy: 'Retain',
      storageClassName: 'nfs',
      mountOptions: ['hard', 'nfsvers=4.1'],
      nfs: { server: '10.10.10.101', path: '/nfs_mysql1' },
    });
    expect(volume.claimRef).toBeUndefined();
    expect(volume.mountOptions).toEqual(DEFAULT_NFS_MOUNT_OPTIONS);
  });

  test('a StatefulSet claim pre-binds the volume to <template>-<statefulset>-<ordinal>', () => {
    // GIVEN a volume reserved for ordinal 2 of StatefulSet mysql
    const chart = testChart();
    const volume = new NfsVolume(chart, 'Pv', { ...base, claim: { namespace: 'mysql', statefulSet: 'mysql', claimTemplate: 'data', ordinal: 2 } });
    // THEN its claimRef names exactly the claim the StatefulSet controller creates for that ordinal
    expect(NfsVolume.claimName({ namespace: 'mysql', statefulSet: 'mysql', claimTemplate: 'data', ordinal: 2 })).toBe('data-mysql-2');
    expect(volume.claimRef).toEqual({ namespace: 'mysql', name: 'data-mysql-2' });
    expect(find(chart.toJson(), 'PersistentVolume', 'mysql-pv1').spec.claimRef).toEqual({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', namespace: 'mysql', name: 'data-mysql-2' });
  });

  test('every prop lands on the object', () => {
    // GIVEN all props set
    const chart = testChart();
    new NfsVolume(chart, 'Pv', {
      ...base,
      server: 'nfs.lab.example',
      capacity: '20Gi',
      claim: { namespace: 'backup', name: 'dumps' },
      storageClass: { name: 'nfs-slow' },
      accessModes: ['ReadWriteMany'],
      reclaimPolicy: 'Delete',
      mountOptions: ['hard', 'nfsvers=3', 'timeo=600'],
      labels: { team: 'dba' },
    });
    const pv = find(chart.toJson(), 'PersistentVolume', 'mysql-pv1');
    // THEN
    expect(pv.metadata.labels).toEqual({ team: 'dba' });
    expect(pv.spec.nfs).toEqual({ server: 'nfs.lab.example', path: '/nfs_mysql1' });
    expect(pv.spec.capacity).toEqual({ storage: '20Gi' });
    expect(pv.spec.claimRef).toMatchObject({ namespace: 'backup', name: 'dumps' });
    expect(pv.spec.storageClassName).toBe('nfs-slow');
    expect(pv.spec.accessModes).toEqual(['ReadWriteMany']);
    expect(pv.spec.persistentVolumeReclaimPolicy).toBe('Delete');
    expect(pv.spec.mountOptions).toEqual(['hard', 'nfsvers=3', 'timeo=600']);
  });

  test.each([
    [{ name: 'Mysql_PV' }, /NfsVolume "Mysql_PV": name is not a DNS name/],
    [{ server: '10.10.10.300' }, /server "10\.10\.10\.300" is not an IPv4 address or DNS name \(example: "10\.10\.10\.101"\)/],
    [{ path: 'nfs_mysql' }, /path "nfs_mysql" is not an absolute export path .*; did you mean "\/nfs_mysql"\?/],
    [{ path: '/nfs_mysql/' }, /path "\/nfs_mysql\/" is not an absolute export path .*; did you mean "\/nfs_mysql"\?/],
    [{ path: '/nfs/../etc' }, /path "\/nfs\/\.\.\/etc" is not an absolute export path/],
    [{ capacity: '5 GB' }, /capacity "5 GB" is not a positive Kubernetes quantity \(example: "5Gi"\)/],
    [{ accessModes: [] }, /accessModes \[\] must be a non-empty list of ReadWriteOnce/],
    [{ mountOptions: ['soft'] }, /mount option "soft" returns I\/O errors .*; use "hard"/],
    [{ mountOptions: ['hard,intr'] }, /mount option "hard,intr" is not of the form "name" or "name=value"/],
    [{ claim: { namespace: 'mysql', statefulSet: 'mysql', claimTemplate: 'data', ordinal: -1 } }, /claim ordinal -1 must be a whole number >= 0/],
    [{ claim: { namespace: 'My NS', name: 'x' } }, /claim "My NS\/x" is not a valid namespace\/claim name/],
  ])('refuses %j', (override, message) => {
    // GIVEN one bad prop THEN the constructor says what is wrong and how to fix it
    expect(() => new NfsVolume(testChart(), 'Pv', { ...base, ...(override as object) })).toThrow(message);
  });
});

describe('NfsVolumeClaim', () => {
  test('binds from both sides: volumeName here, claimRef on the volume', () => {
    // GIVEN a volume reserved for mysql/dumps and its claim
    const chart = testChart();
    const volume = new NfsVolume(chart, 'Pv', { name: 'dumps-pv', server: '10.10.10.101', path: '/dumps', capacity: '10Gi', claim: { namespace: 'mysql', name: 'dumps' } });
    const claim = new NfsVolumeClaim(chart, 'Pvc', { name: 'dumps', namespace: 'mysql', volume, labels: { a: 'b' } });
    // THEN the claim asks for the whole volume by default and names it
    expect(claim.size).toBe('10Gi');
    expect(find(chart.toJson(), 'PersistentVolumeClaim', 'dumps', 'mysql')).toEqual({
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: 'dumps', namespace: 'mysql', labels: { a: 'b' } },
      spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'nfs', volumeName: 'dumps-pv', resources: { requests: { storage: '10Gi' } } },
    });
  });

  test('refuses a claim larger than the volume, or one the volume is not reserved for', () => {
    // GIVEN a volume reserved for mysql/dumps THEN mismatching claims are refused
    const chart = testChart();
    const volume = new NfsVolume(chart, 'Pv', { name: 'dumps-pv', server: '10.10.10.101', path: '/dumps', capacity: '10Gi', claim: { namespace: 'mysql', name: 'dumps' } });
    expect(() => new NfsVolumeClaim(chart, 'Big', { name: 'dumps', namespace: 'mysql', volume, size: '20Gi' }))
      .toThrow(/size "20Gi" is larger than volume dumps-pv \(10Gi\); the claim would never bind/);
    expect(() => new NfsVolumeClaim(chart, 'Other', { name: 'other', namespace: 'mysql', volume }))
      .toThrow(/volume dumps-pv is reserved for mysql\/dumps; give the claim that name/);
    expect(() => new NfsVolumeClaim(chart, 'BadSize', { name: 'dumps', namespace: 'mysql', volume, size: 'ten' }))
      .toThrow(/size "ten" is not a positive Kubernetes quantity/);
    expect(() => new NfsVolumeClaim(chart, 'BadName', { name: 'Dumps', namespace: 'mysql', volume }))
      .toThrow(/NfsVolumeClaim "mysql\/Dumps": not a valid namespace\/claim name/);
  });
});

describe('address and path helpers', () => {
  test.each([
    ['10.10.10.101', true], ['nfs.lab.example', true], ['nfs', true], ['10.10.10.256', false], ['010.1.1.1', false], ['1.2.3', false], ['NFS', false], ['', false],
  ])('isNfsServer(%j) is %s', (value, ok) => {
    // GIVEN an address THEN it is accepted only as an IPv4 address or a DNS name
    expect(isNfsServer(value)).toBe(ok);
  });
  test.each([
    ['/nfs_mysql', true], ['/srv/nfs/mysql1', true], ['/', false], ['nfs', false], ['/a/', false], ['/a/../b', false], ['/a b', false], ['/a//b', false],
  ])('isExportPath(%j) is %s', (value, ok) => {
    // GIVEN a path THEN it is accepted only as a clean absolute path
    expect(isExportPath(value)).toBe(ok);
  });
});
