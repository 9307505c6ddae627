import * as fs from 'fs';
import * as path from 'path';
import { extraParts } from '../extend';
import { renderConfigSchema } from '../lib/config/render-schema';
import { platformParts } from '../lib/parts';
import { PROJECT_ROOT } from '../lib/core/paths';
import { CRD_DIR, CRD_VERSIONS_FILE, CrdCatalog } from '../lib/checks/custom-resource-schema';

// `npm run schema`: regenerates the derived schema files (tests keep both equal to what this writes).
// - platform.schema.json, which editors read through the `$schema` comment in platform.yaml;
// - schemas/crds/crd-versions.json, the CRD schemas the synth check reads (parsing the CRD YAML is slow).
const configSchema = path.join(PROJECT_ROOT, 'platform.schema.json');
fs.writeFileSync(configSchema, renderConfigSchema(platformParts(...extraParts)));
const crdVersions = path.join(CRD_DIR, CRD_VERSIONS_FILE);
fs.writeFileSync(crdVersions, CrdCatalog.fromYamlFiles().render());
for (const file of [configSchema, crdVersions]) console.log(`wrote ${path.relative(process.cwd(), file)}`);
