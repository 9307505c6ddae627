import { App, Chart } from 'cdk8s';
import { claimTemplate, StoredFormStatefulSet } from '../../lib/core/claim-template';
import { podFieldEnv } from '../../lib/core/downward-api';

describe('objects written in the form the API server stores', () => {
  test('a StatefulSet\'s claim templates carry apiVersion, kind, volumeMode and status.phase, as the API server fills them in', () => {
    // GIVEN
    const chart = new Chart(new App(), 'Test');
    // WHEN
    const sts = new StoredFormStatefulSet(chart, 'Resource', {
      metadata: { name: 'db' },
      spec: {
        serviceName: 'db', selector: { matchLabels: { app: 'db' } },
        template: { metadata: { labels: { app: 'db' } }, spec: { containers: [{ name: 'db', image: 'db:1' }] } },
        volumeClaimTemplates: [claimTemplate({ name: 'data', labels: { app: 'db' }, storageClassName: 'nfs', size: '5Gi' })],
      },
    });
    // THEN
    expect(sts.toJson().spec.volumeClaimTemplates).toEqual([{
      apiVersion: 'v1', kind: 'PersistentVolumeClaim',
      metadata: { name: 'data', labels: { app: 'db' } },
      spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'nfs', resources: { requests: { storage: '5Gi' } }, volumeMode: 'Filesystem' },
      status: { phase: 'Pending' },
    }]);
  });

  test('a downward-API variable names the fieldRef apiVersion the API server defaults', () => {
    expect(podFieldEnv('NODE_NAME', 'spec.nodeName')).toEqual({ name: 'NODE_NAME', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'spec.nodeName' } } });
  });
});
