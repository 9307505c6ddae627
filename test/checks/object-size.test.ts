import { checkObjectSizes } from '../../lib/checks/object-size';
import { asObjects, goodDeployment } from '../support/helpers';

const configMap = (data: Record<string, string>, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'big', namespace: 'team-a' }, data, ...extra,
});

describe('object sizes the API server enforces', () => {
  test('ordinary objects pass', () => {
    expect(checkObjectSizes(asObjects([goodDeployment(), configMap({ 'app.conf': 'x'.repeat(1000) })]))).toEqual([]);
  });

  test('a ConfigMap over 1 MiB is refused with its size and the limit', () => {
    const problems = checkObjectSizes(asObjects([configMap({ a: 'x'.repeat(600 * 1024), b: 'y'.repeat(600 * 1024) })]));
    expect(problems).toEqual([expect.stringMatching(/^ConfigMap team-a\/big .*: 1228802 bytes of keys and values, above the 1048576 bytes \(1 MiB\)/)]);
  });

  test('binaryData counts its decoded bytes, together with data', () => {
    const binary = Buffer.alloc(700 * 1024, 1).toString('base64');
    expect(checkObjectSizes(asObjects([configMap({ a: 'x'.repeat(400 * 1024) }, { binaryData: { b: binary } })])))
      .toEqual([expect.stringMatching(/1126402 bytes of keys and values, above the 1048576 bytes/)]);
  });

  test('an object too large for client-side apply\'s last-applied annotation is refused, naming the annotation', () => {
    // 300 KiB fits a ConfigMap but not the 256 KiB of annotations client-side apply needs for it.
    const problems = checkObjectSizes(asObjects([configMap({ a: 'x'.repeat(300 * 1024) })]));
    expect(problems).toEqual([expect.stringMatching(/ConfigMap team-a\/big .*kubectl\.kubernetes\.io\/last-applied-configuration, above the 262144 bytes \(256 KiB\)/)]);
  });

  test('the limit is the annotations\' total: existing annotations count too', () => {
    const near = configMap({ a: 'x'.repeat(200 * 1024) });
    expect(checkObjectSizes(asObjects([near]))).toEqual([]);
    const annotated = { ...near, metadata: { ...near.metadata, annotations: { note: 'n'.repeat(30 * 1024) } } };
    // The annotation is counted once on its own and once inside the JSON of the object.
    expect(checkObjectSizes(asObjects([annotated]))).toHaveLength(1);
  });
});
