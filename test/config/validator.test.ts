import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { ValidateFunction } from 'ajv';
import { definePart, parseConfig, platformParts } from '../../lib';
import { platformSchema, platformSchemaOf } from '../../lib/config/platform-config';
import { compileValidator, loadPrebuilt, PREBUILT_FILE, prebuiltValidator, renderStandaloneValidator, schemaDigest, validatorOf } from '../../lib/config/validator';
import { MINIMAL_CLUSTER, ROOT } from '../support/helpers';

/**
 * The prebuilt (standalone) schema validator synth uses for the default parts and the one compiled at run time for
 * any other parts must be one validator: same verdicts, same defaults filled in, same errors (with the schema beside
 * each, which the error messages read).
 */
const DEFAULT_DIGEST = schemaDigest(platformSchemaOf(platformParts()));

describe('the prebuilt validator', () => {
  test('is what `npm run schema` writes for the default parts (run it after changing a schema)', () => {
    // The digest first: a one-line failure says "stale" before the long text diff would.
    expect(require(PREBUILT_FILE).SCHEMA_DIGEST).toBe(DEFAULT_DIGEST);
    expect(fs.readFileSync(PREBUILT_FILE, 'utf8')).toBe(renderStandaloneValidator(platformSchemaOf(platformParts())));
  });

  test('is used for the default schema, and a schema it was not made from is compiled instead', () => {
    const prebuilt = prebuiltValidator(DEFAULT_DIGEST);
    expect(prebuilt).toBeDefined();
    expect(validatorOf(platformSchema)).toBe(prebuilt);
    const extra = definePart({ key: 'extra', schema: { type: 'object', additionalProperties: false, default: {}, properties: { size: { type: 'integer', default: 3 } } }, build: () => ({}) });
    const other = validatorOf(platformSchemaOf(platformParts(extra)));
    expect(other).not.toBe(prebuilt);
    expect(prebuiltValidator(schemaDigest(platformSchemaOf(platformParts(extra))))).toBeUndefined();
    // GIVEN extra parts WHEN a config is loaded THEN their section is validated and defaulted by the compiled one
    const parts = platformParts(extra);
    expect((parseConfig(MINIMAL_CLUSTER, 'platform.yaml', { parts }) as any).extra).toEqual({ size: 3 });
    expect(() => parseConfig(`${MINIMAL_CLUSTER}extra:\n  size: many\n`, 'platform.yaml', { parts })).toThrow(/extra\.size: "many" is a string, expected a whole number/);
  });
});

describe('the prebuilt validator with V8\'s code cache', () => {
  // jest runs in a sandbox realm, where synth does not use the cache; these force it and compare results as JSON.
  // Under build/ (ignored by git), so the copy resolves the Ajv runtime helpers it requires (ucs2length for maxLength)
  // from the project's node_modules, as lib/config's own file does.
  fs.mkdirSync(path.join(ROOT, 'build'), { recursive: true });
  const dir = fs.mkdtempSync(path.join(ROOT, 'build', 'validator-test-'));
  const file = path.join(dir, 'validator.js');
  const cache = path.join(dir, 'cache', 'validator.v8');
  fs.copyFileSync(PREBUILT_FILE, file);
  const bad = parse(`${MINIMAL_CLUSTER}tenants:\n  - name: Team_A\n    quota: { pods: "10" }\n`);
  const results = (validate: ValidateFunction) => [run(validate, parse(fs.readFileSync(path.join(ROOT, 'platform.yaml'), 'utf8'))), run(validate, bad)];
  const expected = results(compileValidator(platformSchema));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('the first run writes the cache, the next uses it, and both validate as the compiled validator does', () => {
    const first = loadPrebuilt(file, cache, true)!;
    expect([first.codeCache, first.digest]).toEqual(['written', DEFAULT_DIGEST]);
    expect(results(first.validate)).toEqual(expected);
    const second = loadPrebuilt(file, cache, true)!;
    expect(second.codeCache).toBe('used');
    expect(results(second.validate)).toEqual(expected);
  });

  test('a cache of other bytes, a damaged one or one that cannot be written is not used, and validation is the same', () => {
    loadPrebuilt(file, cache, true);
    // GIVEN the file changed since the cache was written (its key no longer matches) THEN the cache is rewritten
    fs.appendFileSync(file, '// edited\n');
    expect(loadPrebuilt(file, cache, true)!.codeCache).toBe('written');
    // GIVEN a cache whose key matches but whose code is damaged (V8 would crash on it) THEN it is rewritten
    const stored = fs.readFileSync(cache);
    fs.writeFileSync(cache, Buffer.concat([stored.subarray(0, 1000), Buffer.alloc(100, 7), stored.subarray(1100)]));
    const damaged = loadPrebuilt(file, cache, true)!;
    expect(damaged.codeCache).toBe('written');
    expect(results(damaged.validate)).toEqual(expected);
    // GIVEN a cache path that cannot be created (under a file) THEN it still validates
    const unwritable = loadPrebuilt(file, path.join(file, 'cache.v8'), true)!;
    expect(unwritable.codeCache).toBe('unwritable');
    expect(results(unwritable.validate)).toEqual(expected);
    expect(fs.readdirSync(dir).sort()).toEqual(['cache', 'validator.js']);
  });

  test('no prebuilt file: none, with or without the cache (the schema is compiled instead)', () => {
    expect(loadPrebuilt(path.join(dir, 'missing.js'), cache, true)).toBeUndefined();
    expect(loadPrebuilt(path.join(dir, 'missing.js'), cache, false)).toBeUndefined();
  });
});

/** Every variant of `base` with one field broken: wrong types, out-of-range and unknown values, extra and missing keys. */
function variants(base: unknown): unknown[] {
  const out: unknown[] = [];
  const BAD = ['x', -1, 1.5, true, null, {}, ['x']]; // one of each: type, format, enum, minimum, integer
  const visit = (value: unknown, replace: (v: unknown) => unknown, remove?: () => unknown) => {
    for (const bad of BAD) out.push(replace(bad));
    if (remove) out.push(remove());
    if (Array.isArray(value)) {
      value.forEach((item, i) => visit(item, (v) => replace(value.map((x, j) => (j === i ? v : x))), () => replace(value.filter((_, j) => j !== i))));
      out.push(replace([...value, ...value]));
    } else if (value !== null && typeof value === 'object') {
      const obj = value as Record<string, unknown>;
      out.push(replace({ ...obj, unexpectedKey: 1 }));
      for (const key of Object.keys(obj)) {
        const { [key]: _dropped, ...rest } = obj;
        visit(obj[key], (v) => replace({ ...obj, [key]: v }), () => replace(rest));
      }
    }
  };
  visit(base, (v) => v);
  return out;
}

/** Runs a validator on a copy of `data`: its verdict, the data with defaults filled in, and its errors as JSON. */
function run(validate: ValidateFunction, data: unknown): string {
  const copy = data === undefined ? undefined : structuredClone(data);
  const valid = validate(copy);
  return JSON.stringify({ valid, copy, errors: validate.errors ?? [] });
}

describe('the prebuilt and the compiled validator agree', () => {
  const compiled = compileValidator(platformSchema);
  const prebuilt = prebuiltValidator(DEFAULT_DIGEST)!;
  const bases: Array<[string, unknown]> = [
    ['the embedded platform.yaml', parse(fs.readFileSync(path.join(ROOT, 'platform.yaml'), 'utf8'))],
    ['the bench base platform', parse(fs.readFileSync(path.join(ROOT, 'bench', 'base-platform.yaml'), 'utf8'))],
    ['every section written out with its defaults', JSON.parse(JSON.stringify(parseConfig(fs.readFileSync(path.join(ROOT, 'platform.yaml'), 'utf8'))))],
  ];

  test.each(bases)('on every one-field breakage of %s', (_name, base) => {
    const cases = variants(base);
    expect(cases.length).toBeGreaterThan(500);
    let invalid = 0;
    for (const data of cases) {
      const expected = run(compiled, data);
      const actual = run(prebuilt, data);
      // A difference fails with the case and a diff of both results (as objects, so the diff shows the field).
      if (actual !== expected) expect({ case: data, ...JSON.parse(actual) }).toEqual({ case: data, ...JSON.parse(expected) });
      if (!JSON.parse(expected).valid) invalid++;
    }
    // The breakages do break: most variants are refused, so the errors were compared, not just "valid" twice.
    expect(invalid).toBeGreaterThan(cases.length / 2);
  });
});
