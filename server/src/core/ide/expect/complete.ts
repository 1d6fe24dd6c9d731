/**
 * Completion inside an assertion comment (`# netpol-lens expect: FROM -> TO:PORT VERDICT`):
 * endpoints from the workspace's pods, workloads and namespaces, ports from the destination's
 * container ports, the arrow and the outcomes. A line scan of the cursor's line only; undefined
 * when the cursor is not in an assertion (other completions then answer).
 */
import type { CompletionEntry, CompletionEntryKind } from '../complete';
import type { World } from '../../semantics/evaluate';
import type { PodInfo } from '../../model/inventory';
import { parseEndpoint, VERDICTS } from './parse';
import { t } from '../../l10n';

const LINE = /^[ \t]*#[ \t]*netpol-lens expect:/;

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function completeAssertion(text: string, offset: number, world: () => World | undefined): CompletionEntry[] | undefined {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  let lineEnd = text.indexOf('\n', offset);
  if (lineEnd < 0) lineEnd = text.length;
  const line = text.slice(lineStart, lineEnd);
  const m = LINE.exec(line);
  if (!m || offset < lineStart + m[0].length) return undefined;
  const bodyStart = lineStart + m[0].length;
  const before = text.slice(bodyStart, offset);
  if (/(^|\s)#/.test(before)) return []; // in the note
  // The word under the cursor: from the last space before it to the next space after it.
  const wordStart = bodyStart + before.search(/\S*$/);
  const after = text.slice(offset, lineEnd);
  const wordEnd = offset + (after.search(/\s|$/) < 0 ? after.length : after.search(/\s|$/));
  const word = text.slice(wordStart, offset);
  const done = text.slice(bodyStart, wordStart).replace(/->/g, ' -> ').split(/\s+/).filter(Boolean);
  const entry = (label: string, kind: CompletionEntryKind, detail: string | undefined, i: number, start = wordStart): CompletionEntry => ({
    label, kind, ...(detail ? { detail } : {}), start, end: wordEnd, newText: label, snippet: false, sortText: String(i).padStart(5, '0'),
  });
  switch (done.length) {
    case 0:
      return endpoints(world(), entry);
    case 1:
      return [entry('->', 'enum', t('then the destination'), 0)];
    case 2: {
      const colon = word.startsWith('ip:') ? word.indexOf(':', word.startsWith('ip:[') ? word.indexOf(']') : 3) : word.indexOf(':');
      if (colon < 0 || (word.startsWith('ip:') && !word.startsWith('ip:[') && (word.match(/:/g) ?? []).length > 2)) return endpoints(world(), entry);
      return ports(world(), word.slice(0, colon), entry, wordStart + colon + 1);
    }
    case 3:
      return VERDICTS.map((v, i) => entry(v, 'enum', v === 'allowed' ? t('every port asked for is allowed, for every pair') : v === 'blocked' ? t('no port asked for is allowed, for any pair') : t('some connections allowed, some blocked'), i));
    default:
      return [];
  }
}

type Entry = (label: string, kind: CompletionEntryKind, detail: string | undefined, i: number, start?: number) => CompletionEntry;

function endpoints(world: World | undefined, entry: Entry): CompletionEntry[] {
  if (!world) return [];
  const out: CompletionEntry[] = [];
  const pods = [...world.pods].sort((a, b) => compareText(a.namespace, b.namespace) || compareText(a.name, b.name));
  const seen = new Set<string>();
  for (const p of pods) {
    const ref = `${p.namespace}/${p.name}`;
    if (seen.has(ref)) continue;
    seen.add(ref);
    out.push(entry(ref, 'labelValue', p.kind, out.length));
  }
  const namespaces = [...new Set(pods.map((p) => p.namespace))].sort(compareText);
  for (const ns of namespaces) out.push(entry(`${ns}/*`, 'namespace', t('every pod of namespace {0}', ns), out.length));
  out.push(entry('ip:', 'enum', t('an address outside the cluster: ip:203.0.113.5'), out.length));
  return out;
}

function ports(world: World | undefined, endpoint: string, entry: Entry, start: number): CompletionEntry[] {
  const out: CompletionEntry[] = [];
  const spec = parseEndpoint(endpoint);
  let pods: PodInfo[] = [];
  if (world && 'spec' in spec) {
    const s = spec.spec;
    if (s.kind === 'pod') pods = world.pods.filter((p) => p.namespace === s.namespace && p.name === s.name);
  }
  const seen = new Set<string>();
  for (const p of pods) {
    for (const cp of p.ports) {
      const num = cp.protocol === 'TCP' ? String(cp.port) : `${cp.port}/${cp.protocol}`;
      for (const label of [num, ...(cp.name ? [cp.name] : [])]) {
        if (seen.has(label)) continue;
        seen.add(label);
        out.push(entry(label, 'port', `${cp.name ? `${cp.name}: ` : ''}${cp.port}/${cp.protocol}`, out.length, start));
      }
    }
  }
  out.push(entry('any', 'port', t('every port of every protocol'), out.length, start));
  return out;
}
