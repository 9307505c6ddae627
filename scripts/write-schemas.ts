import * as fs from 'fs';
import * as path from 'path';
import { extraParts } from '../extend';
import { platformSchemaOf } from '../lib/config/platform-config';
import { renderConfigSchema } from '../lib/config/render-schema';
import { generatedTypeFiles } from '../lib/config/schema-types';
import { PREBUILT_FILE, renderStandaloneValidator } from '../lib/config/validator';
import { parseConfig } from '../lib/config/load';
import { platformParts } from '../lib/parts';
import { buildPlatformWith } from '../lib/pipeline/build-platform';
import { withSecretsTable } from '../lib/secrets/first-time-secrets';
import { PROJECT_ROOT } from '../lib/core/paths';
import { CRD_DIR, CRD_VERSIONS_FILE, CrdCatalog } from '../lib/checks/custom-resource-schema';
import { WEBSITE_CRD_FILE, websiteCrdFile } from '../lib/websites/website-crd';

// `npm run schema`: regenerates the derived files (tests keep each equal to what this writes).
// - platform.schema.json, which editors read through the `$schema` comment in platform.yaml;
// - schemas/crds/crd-versions.json, the CRD schemas the synth check reads (parsing the CRD YAML is slow).
const configSchema = path.join(PROJECT_ROOT, 'platform.schema.json');
fs.writeFileSync(configSchema, renderConfigSchema(platformParts(...extraParts)));
// - schemas/crds/websites.extensions.example.com.yaml, our own CRD, from its construct (read by the catalog below).
const websiteCrd = path.join(CRD_DIR, WEBSITE_CRD_FILE);
fs.writeFileSync(websiteCrd, websiteCrdFile());
// - lib/config/platform-validator.generated.js, the schema validator synth runs without compiling the schema.
const validator = PREBUILT_FILE;
fs.writeFileSync(validator, renderStandaloneValidator(platformSchemaOf(platformParts(...extraParts))));
const crdVersions = path.join(CRD_DIR, CRD_VERSIONS_FILE);
fs.writeFileSync(crdVersions, CrdCatalog.fromYamlFiles().render());
// - docs/deploying.md's table of the default platform's first-time Secrets (from the parts' offers).
const parts = platformParts(...extraParts);
const deploying = path.join(PROJECT_ROOT, 'docs', 'deploying.md');
const defaults = buildPlatformWith(parseConfig(fs.readFileSync(path.join(PROJECT_ROOT, 'platform.yaml'), 'utf8'), 'platform.yaml', { parts }), { parts });
fs.writeFileSync(deploying, withSecretsTable(fs.readFileSync(deploying, 'utf8'), defaults.offers.firstTimeSecrets));
// - the TypeScript types of each section (lib/<part>/config.generated.ts, lib/config/cluster.generated.ts, the shapes
//   they share in lib/config/common.generated.ts), derived
//   from the same schemas, so a section's type cannot drift from what the loader validates and fills in.
const typeFiles = generatedTypeFiles(parts).map(({ file, content }) => {
  const full = path.join(PROJECT_ROOT, file);
  fs.writeFileSync(full, content);
  return full;
});
for (const file of [configSchema, websiteCrd, validator, crdVersions, deploying, ...typeFiles]) console.log(`wrote ${path.relative(process.cwd(), file)}`);
