/**
 * NetworkPolicy templates for authoring: the user's guide's three manifests exactly as it gives
 * them (allow-frontend-to-backend, allow-egress-to-external-api, deny-ingress-from-external), plus
 * default-deny-all and an allow-DNS egress policy. Each template is a small tree rendered as block
 * YAML in the file's own style (indent width, whether `- ` is indented under its key, line
 * endings), either as plain text or as a snippet with tab stops whose values can be choices the
 * workspace knows (namespaces, pod labels). Pure: no editor, no I/O.
 */
import type { World } from '../semantics/evaluate';
import { t } from '../l10n';

export type TemplateId =
  | 'allow-frontend-to-backend'
  | 'allow-egress-to-external-api'
  | 'deny-ingress-from-external'
  | 'default-deny-all'
  | 'allow-dns-egress';

/** How a file writes block YAML. */
export interface YamlStyle {
  /** Spaces per nesting level of a map. */
  readonly indent: 2 | 4;
  /** Spaces a block sequence's `- ` sits right of its key: 0 (as the guide writes it) or more. */
  readonly sequenceIndent: number;
  readonly eol: '\n' | '\r\n';
}

/** The user's guide's style: 2-space maps, `- ` not indented under its key, LF. */
export const SEED_STYLE: YamlStyle = { indent: 2, sequenceIndent: 0, eol: '\n' };

/** A value the user is likely to change: a snippet tab stop (same slot, same stop). */
type Slot = 'name' | 'namespace' | 'podLabels' | 'peerLabels' | 'cidr';

type TNode =
  | { readonly t: 'scalar'; readonly text: string; readonly slot?: Slot; readonly comment?: string }
  | { readonly t: 'flow'; readonly text: '{}' | '[]' }
  | { readonly t: 'map'; readonly entries: readonly (readonly [string, TNode])[] }
  | { readonly t: 'seq'; readonly items: readonly TNode[] }
  /** A one-entry label map (matchLabels) whose whole `key: value` line is one slot. */
  | { readonly t: 'labels'; readonly key: string; readonly value: string; readonly slot: Slot };

const s = (text: string, slot?: Slot, comment?: string): TNode => ({ t: 'scalar', text, slot, comment });
const m = (...entries: (readonly [string, TNode])[]): TNode => ({ t: 'map', entries });
const q = (...items: TNode[]): TNode => ({ t: 'seq', items });
const labels = (key: string, value: string, slot: Slot): TNode => ({ t: 'labels', key, value, slot });
const EMPTY_MAP: TNode = { t: 'flow', text: '{}' };
const EMPTY_SEQ: TNode = { t: 'flow', text: '[]' };

function policy(name: string, spec: readonly (readonly [string, TNode])[]): TNode {
  return m(
    ['apiVersion', s('networking.k8s.io/v1')],
    ['kind', s('NetworkPolicy')],
    ['metadata', m(['name', s(name, 'name')], ['namespace', s('default', 'namespace')])],
    ['spec', m(...spec)],
  );
}

/** The comment the guide writes after the external API's address (Korean: "external-api.com's IP address"). */
export const EXTERNAL_API_COMMENT = 'external-api.com의 IP 주소';

export interface TemplateInfo {
  readonly id: TemplateId;
  /** What menus show: "allow-frontend-to-backend", "allow-DNS egress". */
  readonly label: string;
  readonly description: string;
  /** The word a snippet completion is typed as: `netpol-<id>`. */
  readonly prefix: string;
}

interface Template extends TemplateInfo {
  readonly tree: TNode;
}

const DEFS: readonly Template[] = [
  {
    id: 'allow-frontend-to-backend',
    label: 'allow-frontend-to-backend',
    get description() {
      return t('Only pods labelled app=frontend may reach pods labelled app=backend (ingress).');
    },
    prefix: 'netpol-allow-frontend-to-backend',
    tree: policy('allow-frontend-to-backend', [
      ['podSelector', m(['matchLabels', labels('app', 'backend', 'podLabels')])],
      ['ingress', q(m(['from', q(m(['podSelector', m(['matchLabels', labels('app', 'frontend', 'peerLabels')])]))]))],
    ]),
  },
  {
    id: 'allow-egress-to-external-api',
    label: 'allow-egress-to-external-api',
    get description() {
      return t('Pods labelled app=backend may only send to the external API at 203.0.113.5/32 (egress).');
    },
    prefix: 'netpol-allow-egress-to-external-api',
    tree: policy('allow-egress-to-external-api', [
      ['podSelector', m(['matchLabels', labels('app', 'backend', 'podLabels')])],
      ['egress', q(m(['to', q(m(['ipBlock', m(['cidr', s('203.0.113.5/32', 'cidr', EXTERNAL_API_COMMENT)])]))]))],
    ]),
  },
  {
    id: 'deny-ingress-from-external',
    label: 'deny-ingress-from-external',
    get description() {
      return t('No ingress at all to pods labelled app=backend.');
    },
    prefix: 'netpol-deny-ingress-from-external',
    tree: policy('deny-ingress-from-external', [
      ['podSelector', m(['matchLabels', labels('app', 'backend', 'podLabels')])],
      ['ingress', EMPTY_SEQ],
    ]),
  },
  {
    id: 'default-deny-all',
    label: 'default-deny-all',
    get description() {
      return t('Every pod of the namespace is isolated for ingress and egress; nothing is allowed.');
    },
    prefix: 'netpol-default-deny-all',
    tree: policy('default-deny-all', [
      ['podSelector', EMPTY_MAP],
      ['policyTypes', q(s('Ingress'), s('Egress'))],
    ]),
  },
  {
    id: 'allow-dns-egress',
    label: 'allow-DNS egress',
    get description() {
      return t('Every pod of the namespace may send DNS queries (UDP and TCP 53) to kube-dns in kube-system.');
    },
    prefix: 'netpol-allow-dns-egress',
    tree: policy('allow-dns-egress', [
      ['podSelector', EMPTY_MAP],
      ['policyTypes', q(s('Egress'))],
      [
        'egress',
        q(
          m(
            [
              'to',
              q(
                m(
                  ['namespaceSelector', m(['matchLabels', m(['kubernetes.io/metadata.name', s('kube-system')])])],
                  ['podSelector', m(['matchLabels', m(['k8s-app', s('kube-dns')])])],
                ),
              ),
            ],
            ['ports', q(m(['protocol', s('UDP')], ['port', s('53')]), m(['protocol', s('TCP')], ['port', s('53')]))],
          ),
        ),
      ],
    ]),
  },
];

/** The templates, in menu order. */
/** The templates; `description` is read in the current locale. */
export const TEMPLATES: readonly TemplateInfo[] = DEFS.map((d) => ({
  id: d.id,
  label: d.label,
  get description() {
    return d.description;
  },
  prefix: d.prefix,
}));

export function templateById(id: string): TemplateInfo | undefined {
  return TEMPLATES.find((t) => t.id === id);
}

/** Values a snippet offers as choices for its tab stops; the template's own value comes first. */
export interface TemplateChoices {
  readonly namespaces?: readonly string[];
  /** Pod labels as key and value; rendered `key: value`, the value quoted where YAML 1.1 needs it. */
  readonly labels?: readonly { readonly key: string; readonly value: string }[];
}

// --- rendering -----------------------------------------------------------------------------

type Part = string | { readonly slot: Slot; readonly text: string };
type Line = Part[];

function renderTree(tree: TNode, style: YamlStyle): Line[] {
  const lines: Line[] = [];
  const pad = (n: number) => ' '.repeat(n);
  const slotPart = (text: string, slot: Slot | undefined): Part => (slot ? { slot, text } : text);

  const scalarParts = (n: TNode & { t: 'scalar' }): Part[] => {
    const out: Part[] = [slotPart(n.text, n.slot)];
    if (n.comment) out.push(` # ${n.comment}`);
    return out;
  };

  const emitMap = (map: TNode & { t: 'map' }, col: number, first: Line | undefined): void => {
    map.entries.forEach(([key, value], i) => {
      const prefix: Line = i === 0 && first ? first : [pad(col)];
      emitEntry(key, value, col, prefix);
    });
  };

  const emitEntry = (key: string, value: TNode, col: number, prefix: Line): void => {
    switch (value.t) {
      case 'scalar':
        lines.push([...prefix, `${key}: `, ...scalarParts(value)]);
        return;
      case 'flow':
        lines.push([...prefix, `${key}: ${value.text}`]);
        return;
      case 'labels':
        lines.push([...prefix, `${key}:`]);
        lines.push([pad(col + style.indent), { slot: value.slot, text: `${value.key}: ${value.value}` }]);
        return;
      case 'map':
        lines.push([...prefix, `${key}:`]);
        emitMap(value, col + style.indent, undefined);
        return;
      case 'seq':
        lines.push([...prefix, `${key}:`]);
        emitSeq(value, col + style.sequenceIndent);
        return;
    }
  };

  const emitSeq = (seq: TNode & { t: 'seq' }, col: number): void => {
    for (const item of seq.items) {
      const dash: Line = [pad(col), '- '];
      if (item.t === 'map') emitMap(item, col + 2, dash);
      else if (item.t === 'scalar') lines.push([...dash, ...scalarParts(item)]);
      else if (item.t === 'flow') lines.push([...dash, item.text]);
      else throw new Error(`template: unsupported sequence item ${item.t}`);
    }
  };

  if (tree.t !== 'map') throw new Error('template: the root must be a map');
  emitMap(tree, 0, undefined);
  return lines;
}

function templateTree(id: TemplateId, name?: string): TNode {
  const t = DEFS.find((d) => d.id === id);
  if (!t) throw new Error(`unknown template ${JSON.stringify(id)}`);
  return name === undefined ? t.tree : renamed(t.tree, name);
}

/** The tree with its `name` slot's text replaced. */
function renamed(n: TNode, name: string): TNode {
  if (n.t === 'scalar') return n.slot === 'name' ? { ...n, text: name } : n;
  if (n.t === 'map') return { t: 'map', entries: n.entries.map(([k, v]) => [k, renamed(v, name)] as const) };
  if (n.t === 'seq') return { t: 'seq', items: n.items.map((x) => renamed(x, name)) };
  return n;
}

/** The name a template's policy gets (metadata.name). */
export function templatePolicyName(id: TemplateId): string {
  let found = '';
  const walk = (n: TNode): void => {
    if (n.t === 'scalar' && n.slot === 'name') found ||= n.text;
    else if (n.t === 'map') n.entries.forEach(([, v]) => walk(v));
    else if (n.t === 'seq') n.items.forEach(walk);
  };
  walk(templateTree(id));
  return found;
}

/** The names of the policies (applied or rejected) in `namespace` of `world`. */
export function policyNamesIn(world: World, namespace: string): Set<string> {
  const names = new Set<string>();
  for (const p of world.policies) if (p.ref.namespace === namespace) names.add(p.ref.name);
  for (const r of world.rejected) if (r.ref.namespace === namespace) names.add(r.ref.name);
  return names;
}

/** The namespace every template's policy is written in. */
export const TEMPLATE_NAMESPACE = 'default';

/**
 * A name for a new policy that no policy in `taken` has: `base` itself when free, else `base-2`,
 * `base-3`, … (cut so that the result stays within the API server's 253 characters).
 */
export function freshPolicyName(base: string, taken: ReadonlySet<string>): string {
  if (!taken.has(base)) return base;
  for (let i = 2; ; i++) {
    const suffix = `-${i}`;
    const candidate = base.slice(0, 253 - suffix.length).replace(/[-.]+$/, '') + suffix;
    if (!taken.has(candidate)) return candidate;
  }
}

/** The template as plain YAML in `style`, every line ending with the style's line ending. */
export function renderTemplate(id: TemplateId, style: Partial<YamlStyle> = {}, name?: string): string {
  const st: YamlStyle = { ...SEED_STYLE, ...style };
  return renderTree(templateTree(id, name), st)
    .map((line) => line.map((p) => (typeof p === 'string' ? p : p.text)).join('') + st.eol)
    .join('');
}

const escapeSnippetText = (t: string): string => t.replace(/[\\$}]/g, (c) => '\\' + c);
const escapeChoice = (t: string): string => t.replace(/[\\,|$}]/g, (c) => '\\' + c);

/**
 * The template as a snippet (LSP / VS Code snippet syntax): tab stops for the name, the namespace,
 * the pod selector's labels, the peer's labels or the CIDR, then `$0` at the end. With `choices`
 * the namespace and label stops are choices (`${2|default,prod|}`), the template's value first.
 */
export function renderTemplateSnippet(id: TemplateId, style: Partial<YamlStyle> = {}, choices: TemplateChoices = {}, name?: string): string {
  const st: YamlStyle = { ...SEED_STYLE, ...style };
  const numbers = new Map<Slot, number>();
  const labelChoices = (choices.labels ?? []).map((l) => `${yamlKey(l.key)}: ${yamlValue(l.value)}`);
  const options = (slot: Slot, own: string): string[] => {
    const extra = slot === 'namespace' ? (choices.namespaces ?? []).map(yamlValue) : slot === 'podLabels' || slot === 'peerLabels' ? labelChoices : [];
    return [...new Set([own, ...extra])];
  };
  const body = renderTree(templateTree(id, name), st)
    .map((line) =>
      line
        .map((p) => {
          if (typeof p === 'string') return escapeSnippetText(p);
          let n = numbers.get(p.slot);
          if (n === undefined) numbers.set(p.slot, (n = numbers.size + 1));
          const opts = options(p.slot, p.text);
          return opts.length > 1 ? `\${${n}|${opts.map(escapeChoice).join(',')}|}` : `\${${n}:${escapeSnippetText(p.text)}}`;
        })
        .join(''),
    )
    .join(st.eol);
  return body + st.eol + '$0';
}

// --- YAML-safe scalars for choices ----------------------------------------------------------

/** Words YAML 1.1 (kubectl's reader) or 1.2 resolve to something other than a string. */
const RESERVED = /^(?:y|n|yes|no|true|false|on|off|null|~)$/i;

function needsQuotes(t: string): boolean {
  return t === '' || RESERVED.test(t) || /^[-+.0-9]/.test(t) || !/^[A-Za-z0-9][A-Za-z0-9._/-]*$/.test(t);
}

function yamlValue(t: string): string {
  return needsQuotes(t) ? JSON.stringify(t) : t;
}

function yamlKey(t: string): string {
  return needsQuotes(t) ? JSON.stringify(t) : t;
}

// --- choices from the workspace ---------------------------------------------------------------

/** Labels every controller stamps on its pods: never what a policy author wants to select. */
const GENERATED_LABELS = new Set(['pod-template-hash', 'controller-revision-hash', 'statefulset.kubernetes.io/pod-name', 'batch.kubernetes.io/controller-uid', 'controller-uid', 'batch.kubernetes.io/job-name', 'job-name', 'pod-template-generation', 'apps.kubernetes.io/pod-index']);

/** Labels and names that are safe to offer (the API server's syntax; no snippet metacharacters). */
const SAFE_VALUE = /^[A-Za-z0-9]([A-Za-z0-9._-]{0,61}[A-Za-z0-9])?$/;
const SAFE_KEY = /^([a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?\/)?[A-Za-z0-9]([A-Za-z0-9._-]{0,61}[A-Za-z0-9])?$/;

/**
 * What the workspace knows that a template could use: the namespaces (explicit ones and those of
 * pods, workloads and policies; `default` excluded, it is the template's own) and the pods' labels
 * (most used first, at most `limit` of each).
 */
export function templateChoicesFromWorld(world: World, limit = 30): Required<TemplateChoices> {
  const namespaces = [...world.namespaces.keys()].filter((n) => n !== 'default' && SAFE_VALUE.test(n)).sort();
  const counts = new Map<string, { key: string; value: string; n: number }>();
  for (const pod of world.pods) {
    for (const [key, value] of Object.entries(pod.labels)) {
      if (GENERATED_LABELS.has(key) || !SAFE_KEY.test(key) || !(value === '' || SAFE_VALUE.test(value))) continue;
      const k = `${key}\u0000${value}`;
      const hit = counts.get(k);
      if (hit) hit.n++;
      else counts.set(k, { key, value, n: 1 });
    }
  }
  const labelList = [...counts.values()]
    .sort((a, b) => b.n - a.n || a.key.localeCompare(b.key) || a.value.localeCompare(b.value))
    .slice(0, limit)
    .map(({ key, value }) => ({ key, value }));
  return { namespaces: namespaces.slice(0, limit), labels: labelList };
}
