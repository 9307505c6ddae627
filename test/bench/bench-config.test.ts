import * as fs from 'fs';
import * as path from 'path';
import { benchConfig } from '../../bench/bench-config';
import { parseConfig } from '../../lib/config/load';
import { synthesize } from '../../lib/pipeline/synthesize';
import { ROOT } from '../support/helpers';

describe('the bench configs', () => {
  test('come from the built-in base plus generated tenants, never from the user\'s platform.yaml', () => {
    // GIVEN the bench's config generator WHEN asked for three extra tenants
    const config = parseConfig(benchConfig(3));
    // THEN they are appended to the base's tenants
    expect(config.tenants.map((t) => t.name).slice(-3)).toEqual(['t0001', 't0002', 't0003']);
    expect(config.tenants.length).toBe(parseConfig(benchConfig(0)).tenants.length + 3);
    // AND the generator reads only bench/base-platform.yaml
    const source = fs.readFileSync(path.join(ROOT, 'bench', 'bench-config.ts'), 'utf8') + fs.readFileSync(path.join(ROOT, 'bench', 'synth-bench.ts'), 'utf8');
    expect(source.match(/'[^']*platform[^']*\.yaml'/g)).toEqual(["'base-platform.yaml'"]);
  });

  test('the base synthesizes with every check passing, so a code change that breaks it fails npm test, not the bench', () => {
    const result = synthesize(parseConfig(benchConfig(0)));
    expect(result.objectCount).toBeGreaterThan(100);
  });
});
