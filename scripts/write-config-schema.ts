import * as fs from 'fs';
import * as path from 'path';
import { renderConfigSchema } from '../lib/config/render-schema';
import { PROJECT_ROOT } from '../lib/core/paths';

// Regenerates platform.schema.json (editors read it through the `$schema` comment in platform.yaml).
const target = path.join(PROJECT_ROOT, 'platform.schema.json');
fs.writeFileSync(target, renderConfigSchema());
console.log(`wrote ${path.relative(process.cwd(), target)}`);
