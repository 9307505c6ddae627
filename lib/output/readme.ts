import { describePorts, Peer } from '../network/peer';
import { Flow } from '../network/flow';
import { ManagedNamespaces } from '../network/managed-namespaces';
import { FirstTimeSecret } from '../parts/platform-part';
import { secretsTable } from '../secrets/first-time-secrets';
import { isTopLevelUnit, OutputFile, unitFilePrefix } from './layout';
import { GENERATED_BY } from './marker';

export interface ReadmeInput {
  /** The manifest files of the output, in layout order. */
  readonly files: readonly OutputFile[];
  readonly flows: readonly Flow[];
  /** The capacity table lines the checks report. */
  readonly capacity: readonly string[];
  readonly secrets: readonly FirstTimeSecret[];
}

/** Above these sizes the flow diagram is drawn per namespace, then left out (git hosts stop rendering huge diagrams). */
const MAX_WORKLOAD_EDGES = 150;
const MAX_NAMESPACE_EDGES = 300;

/**
 * dist/README.md: the platform at a glance for a reviewer in the git host's renderer — what each unit holds, the
 * capacity table, the first-time Secrets and the network flows as a Mermaid diagram. Markdown, so neither kubectl
 * (-f reads .yaml/.yml/.json) nor Argo CD's directory source picks it up; deterministic like every other file.
 */
export function readmeFile(input: ReadmeInput): OutputFile {
  const lines = [
    `<!-- ${GENERATED_BY} (\`npm run synth\`) from platform.yaml. Do not edit: change platform.yaml and re-synthesize. -->`,
    '# The platform in this directory',
    '',
    'Review a change with `npm run plan` (objects added, changed and removed per unit) and `git status` (new files).',
    '',
    ...unitsSection(input.files),
    ...capacitySection(input.capacity),
    ...secretsSection(input.secrets),
    ...flowsSection(input.flows),
  ];
  return { path: 'README.md', content: `${lines.join('\n').trimEnd()}\n`, objects: [] };
}

function unitsSection(files: readonly OutputFile[]): string[] {
  const lines = ['## Units', '', 'Apply order is the file order (`kubectl apply -f dist` reads the top-level files in lexical order; Argo CD syncs in waves of the same numbers). The `needs-*` folders wait for the CRDs they name.', ''];
  const unitOf = (f: OutputFile) => f.objects[0]?.chart.folder ?? '';
  const units = [...new Set(files.map(unitOf))];
  for (const unit of units) {
    const unitFiles = files.filter((f) => unitOf(f) === unit);
    const total = unitFiles.reduce((n, f) => n + f.objects.length, 0);
    const prefix = unitFilePrefix(unit);
    lines.push(`### \`${isTopLevelUnit(unit) ? `${prefix}*` : prefix}\``, '', `${unitFiles[0].objects[0]?.chart.description ?? ''} — ${total} object${total === 1 ? '' : 's'}.`, '', '| file | objects |', '| --- | --- |');
    for (const f of unitFiles) lines.push(`| \`${f.path}\` | ${countByKind(f)} |`);
    lines.push('');
  }
  return lines;
}

function countByKind(file: OutputFile): string {
  const counts = new Map<string, number>();
  for (const o of file.objects) counts.set(o.manifest.kind, (counts.get(o.manifest.kind) ?? 0) + 1);
  return [...counts].map(([kind, n]) => `${n} ${kind}`).join(', ');
}

function capacitySection(capacity: readonly string[]): string[] {
  if (capacity.length === 0) return [];
  return ['## Capacity', '', '```', ...capacity, '```', ''];
}

function secretsSection(secrets: readonly FirstTimeSecret[]): string[] {
  const lines = ['## First-time Secrets', ''];
  if (secrets.length === 0) {
    return [...lines, 'This platform expects no first-time Secrets (Platform Kit never writes secret values).', ''];
  }
  lines.push('Create these once, before the first apply (Platform Kit never writes secret values); `npm run secrets -- --kubectl` prints the commands:', '', ...secretsTable(secrets));
  return [...lines, ''];
}

interface Edge {
  readonly from: string;
  readonly to: string;
  readonly labels: Set<string>;
}

function flowsSection(flows: readonly Flow[]): string[] {
  const lines = ['## Network flows', '', 'Every namespace starts default-deny; these are the only connections its NetworkPolicies allow (boxes are namespaces, dashed ones are not managed by Platform Kit; arrows point from client to server).', ''];
  if (flows.length === 0) return [...lines, 'No flows.', ''];
  const detailed = diagram(flows, false);
  const chosen = detailed.edges <= MAX_WORKLOAD_EDGES ? detailed : diagram(flows, true);
  if (chosen.edges > MAX_NAMESPACE_EDGES) {
    return [...lines, `${flows.length} flows between ${chosen.namespaces} namespaces are too many for a readable diagram; each NetworkPolicy's \`platform-kit.io/flow\` annotation says which flow it implements.`, ''];
  }
  if (chosen !== detailed) lines.push(`(${detailed.edges} connections between workloads: drawn per namespace.)`, '');
  return [...lines, '```mermaid', ...chosen.lines, '```', ''];
}

/** A Mermaid flowchart: namespaces as subgraphs, workloads (or whole namespaces) as nodes, ports on the arrows. */
function diagram(flows: readonly Flow[], perNamespace: boolean): { lines: string[]; edges: number; namespaces: number } {
  const namespaces = new Map<string, { managed: boolean; nodes: Map<string, string> }>();
  const outside = new Map<string, string>();
  const edges = new Map<string, Edge>();
  const nodeOf = (peer: Peer, flow: Flow): string => {
    if (peer.kind === 'cidr') {
      const id = `cidr_${safe(peer.cidr)}`;
      outside.set(id, `${peer.name} ${peer.cidr}`);
      return id;
    }
    const ns = namespaces.get(peer.namespace) ?? { managed: !peer.external && ManagedNamespaces.isManaged(flow, peer.namespace), nodes: new Map<string, string>() };
    namespaces.set(peer.namespace, ns);
    const whole = perNamespace || peer.kind === 'namespace';
    const id = `${safe(peer.namespace)}__${whole ? 'all' : safe(peer.name)}`;
    ns.nodes.set(id, whole ? (perNamespace ? peer.namespace : 'all pods') : peer.name);
    return id;
  };
  for (const flow of flows) {
    const from = nodeOf(flow.from, flow);
    const to = nodeOf(flow.to, flow);
    const key = `${from} ${to}`;
    const edge = edges.get(key) ?? { from, to, labels: new Set<string>() };
    edge.labels.add(describePorts(flow.ports));
    edges.set(key, edge);
  }
  const lines = ['flowchart LR'];
  for (const [name, ns] of namespaces) {
    lines.push(`  subgraph ns_${safe(name)}["${label(name)}"]`);
    for (const [id, text] of ns.nodes) lines.push(`    ${id}["${label(text)}"]`);
    lines.push('  end');
    if (!ns.managed) lines.push(`  style ns_${safe(name)} stroke-dasharray: 5 5`);
  }
  for (const [id, text] of outside) lines.push(`  ${id}["${label(text)}"]`);
  for (const e of edges.values()) lines.push(`  ${e.from} -->|"${label([...e.labels].join('; '))}"| ${e.to}`);
  return { lines, edges: edges.size, namespaces: namespaces.size };
}


/** A Mermaid id: letters, digits and underscores only (distinct names stay distinct: `-` and `.` map differently). */
function safe(name: string): string {
  return name.replace(/_/g, '__').replace(/-/g, '_h').replace(/\./g, '_d').replace(/\//g, '_s').replace(/[^A-Za-z0-9_]/g, '_x');
}

function label(text: string): string {
  return text.replace(/"/g, '#quot;');
}
