import * as fs from 'fs';
import * as path from 'path';
import { extraParts } from '../extend';
import { platformSchemaOf } from '../lib/config/platform-config';
import { renderConfigSchema } from '../lib/config/render-schema';
import { PREBUILT_FILE, renderStandaloneValidator } from '../lib/config/validator';
import { parseConfig } from '../lib/config/load';
import { platformParts } from '../lib/parts';
import { buildPlatformWith } from '../lib/pipeline/build-platform';
import { withSecretsTable } from '../lib/secrets/first-time-secrets';
import { PROJECT_ROOT } from '../lib/core/paths';
import { CRD_DIR, CRD_VERSIONS_FILE, CrdCatalog } from '../lib/checks/custom-resource-schema';

// `npm run schema`: regenerates the derived files (tests keep each equal to what this writes).
// - platform.schema.json, which editors read through the `$schema` comment in platform.yaml;
// - schemas/crds/crd-versions.json, the CRD schemas the synth check reads (parsing the CRD YAML is slow).
const configSchema = path.join(PROJECT_ROOT, 'platform.schema.json');
fs.writeFileSync(configSchema, renderConfigSchema(platformParts(...extraParts)));
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
for (const file of [configSchema, validator, crdVersions, deploying]) console.log(`wrote ${path.relative(process.cwd(), file)}`);
