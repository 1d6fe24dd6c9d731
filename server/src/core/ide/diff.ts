/**
 * Semantic diff: what a change to the manifests allows that it did not before, and what it no
 * longer allows. Two Worlds in, plain data out.
 *
 * Endpoints are matched across the two worlds by namespace/kind/name (a Pod, or a workload for its
 * pods); those in one world only are reported as appeared/disappeared, not as traffic gained or
 * lost. Outside addresses are the external ranges of both worlds' ipBlocks together (every range is
 * uniform in both worlds); when no ipBlock exists on either side, the whole IPv4 space is one
 * range (`ip:0.0.0.0/0`), so that isolating egress still shows as losing the outside world.
 *
 * For every pair (source, destination) the connections over all ports (connset.ts) are compared:
 *   added    nothing was allowed before, something is now;
 *   removed  something was allowed before, nothing is now;
 *   changed  both allow something and the sets differ.
 * A change is widening when after ⊄ before (some connection gained), narrowing when before ⊄
 * after (some lost); it can be both.
 *
 * Why: per direction, the rules whose ports account for what that side gained (after) or lost
 * (before), and the policies that isolate the end on one side only.
 *
 * When the inventories (pods, their labels, ports and IPs, namespaces' labels) are equal, only the
 * pairs whose source some changed policy selects for egress, or whose destination some changed
 * policy selects for ingress, are compared: no other pair's connections depend on a changed policy.
 * `full: true` compares every pair (the property test checks both give the same answer).
 */
import type { PodInfo, PodKind, SourceRef } from '../model/inventory';
import type { CompiledPolicy, PolicyRef } from '../semantics/compile';
import type { Endpoint, World } from '../semantics/evaluate';
import {
  ConnSet,
  PairConnections,
  SideConnections,
  connEquals,
  connIsEmpty,
  connectivityIndex,
  externalRangesOf,
  intersectConn,
  pairConnections,
  subtractConn,
} from '../semantics/connset';

export interface DiffEndpoint {
  /** `namespace/name`, or `ip:` and the range's first CIDR. */
  readonly id: string;
  readonly kind: 'pod' | 'ip';
  /** The Pod or workload kind. */
  readonly podKind?: PodKind;
  /** For an address range: its CIDRs and a short label (`0.0.0.0/0 except 10.0.0.0/8`). */
  readonly cidrs?: readonly string[];
  readonly label: string;
}

export interface DiffReason {
  /** Which world the policy is read from. */
  readonly side: 'before' | 'after';
  readonly direction: 'ingress' | 'egress';
  /** `allows`: a rule whose ports account for what was gained (after) or lost (before); `isolates`: the policy isolates `endpoint` on this side only. */
  readonly role: 'allows' | 'isolates';
  readonly policy: PolicyRef;
  /** `spec.ingress[0]` for a rule. */
  readonly rule?: string;
  /** Offset of the rule in its file (the policy's own span for `isolates`). */
  readonly offset: number;
  /** For `allows`: the ports of the rule that were gained or lost. */
  readonly ports?: ConnSet;
  /** For `isolates`: the end it isolates. */
  readonly endpoint?: DiffEndpoint;
}

export type ChangeKind = 'added' | 'removed' | 'changed';

export interface PairChange {
  readonly from: DiffEndpoint;
  readonly to: DiffEndpoint;
  readonly change: ChangeKind;
  readonly before: ConnSet;
  readonly after: ConnSet;
  /** after − before; before − after. */
  readonly gained: ConnSet;
  readonly lost: ConnSet;
  readonly widening: boolean;
  readonly narrowing: boolean;
  readonly reasons: readonly DiffReason[];
}

export interface EndpointChange {
  readonly endpoint: DiffEndpoint;
  readonly change: 'appeared' | 'disappeared';
  readonly source: SourceRef;
}

export interface WorldDiff {
  /** Widening changes first (by source, destination), then narrowing-only ones. */
  readonly changes: readonly PairChange[];
  readonly endpoints: readonly EndpointChange[];
  /** Pairs compared (for the benchmark's curiosity and the tests). */
  readonly comparedPairs: number;
}

export interface DiffOptions {
  /** Compare every pair, not only those a change can concern. */
  readonly full?: boolean;
  /** How pairs are computed: one by one, with the bulk index, or by their number (default). */
  readonly strategy?: 'auto' | 'single' | 'bulk';
}

/** Up to this many pairs to compare, each is computed on its own; more use the bulk index. */
const DIRECT_PAIRS = 20_000;

export function podKey(p: PodInfo): string {
  return `${p.namespace}/${p.kind}/${p.name}`;
}

function podEndpoint(p: PodInfo): DiffEndpoint {
  return { id: `${p.namespace}/${p.name}`, kind: 'pod', podKind: p.kind, label: `${p.namespace}/${p.name}` };
}

/** First pod per key, in world order. */
function podsByKey(world: World): Map<string, PodInfo> {
  const m = new Map<string, PodInfo>();
  for (const p of world.pods) if (!m.has(podKey(p))) m.set(podKey(p), p);
  return m;
}

/** Deterministic JSON: object keys sorted. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v as object)
      .sort()
      .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

/** What a policy does, independent of its name, file and formatting: its namespace and spec. */
export function policySignature(p: CompiledPolicy): string {
  return canonicalJson({ ns: p.ref.namespace, spec: p.value.spec ?? {} });
}

function podSignature(p: PodInfo): string {
  return canonicalJson({ labels: p.labels, ports: [...p.ports].map((x) => `${x.name ?? ''}/${x.port}/${x.protocol}`).sort(), ips: p.ips.map((b) => b.join('.')).sort() });
}

/** Memo: a policy's signature (pure function of a compiled policy object). */
const signatures = new WeakMap<CompiledPolicy, string>();
function signatureOf(p: CompiledPolicy): string {
  let s = signatures.get(p);
  if (s === undefined) {
    s = policySignature(p);
    signatures.set(p, s);
  }
  return s;
}

/** What a pod's connections depend on besides the policies: its labels, ports, IPs and its namespace's labels. */
function endpointSignature(w: World, p: PodInfo): string {
  return `${podSignature(p)}|${canonicalJson(w.namespaces.get(p.namespace)?.labels ?? {})}`;
}

/** The signatures of the policies selecting a pod for one direction, as a sorted list. */
function selectingSignature(w: World, p: PodInfo, dir: 'ingress' | 'egress'): string {
  const list = w.selecting.get(p)?.[dir];
  if (!list) return '?';
  return list.map(signatureOf).sort().join('\n');
}

const refKey = (r: PolicyRef): string => `${r.namespace}/${r.name}`;

function sideReasons(
  side: 'before' | 'after',
  dir: 'ingress' | 'egress',
  mine: SideConnections,
  theirs: SideConnections,
  delta: ConnSet,
): DiffReason[] {
  const out: DiffReason[] = [];
  // What this side allows that the other side's same direction does not, within the pair's delta.
  const own = intersectConn(subtractConn(mine.set, theirs.set), delta);
  if (connIsEmpty(own)) return out;
  for (const r of mine.rules) {
    const ports = intersectConn(r.set, own);
    if (connIsEmpty(ports)) continue;
    out.push({ side, direction: dir, role: 'allows', policy: r.policy, rule: `spec.${dir}[${r.rule.index}]`, offset: r.rule.span.start, ports });
  }
  return out;
}

function isolationReasons(side: 'before' | 'after', dir: 'ingress' | 'egress', mine: SideConnections, theirs: SideConnections, isolatedEnd: DiffEndpoint): DiffReason[] {
  const other = new Set(theirs.isolatedBy.map(refKey));
  return mine.isolatedBy.filter((r) => !other.has(refKey(r))).map((r) => ({ side, direction: dir, role: 'isolates' as const, policy: r, offset: r.span.start, endpoint: isolatedEnd }));
}

function reasonsFor(pb: PairConnections, pa: PairConnections, from: DiffEndpoint, to: DiffEndpoint, gained: ConnSet, lost: ConnSet): DiffReason[] {
  const out: DiffReason[] = [];
  for (const dir of ['egress', 'ingress'] as const) {
    const end = dir === 'egress' ? from : to;
    const b = pb[dir];
    const a = pa[dir];
    // Gained on this side: the rules after that allow it, or the policies that isolated it before only.
    const gainedHere = intersectConn(subtractConn(a.set, b.set), gained);
    if (!connIsEmpty(gainedHere)) {
      out.push(...sideReasons('after', dir, a, b, gained));
      if (b.isolated) out.push(...isolationReasons('before', dir, b, a, end));
    }
    const lostHere = intersectConn(subtractConn(b.set, a.set), lost);
    if (!connIsEmpty(lostHere)) {
      out.push(...sideReasons('before', dir, b, a, lost));
      if (a.isolated) out.push(...isolationReasons('after', dir, a, b, end));
    }
  }
  return out;
}

/**
 * The outside addresses a diff compares: the external ranges of both worlds' ipBlocks, or the whole
 * IPv4 space as one range when neither world has an ipBlock. `ep` is the range's representative.
 */
export function diffRanges(before: World, after: World): { readonly ep: Endpoint; readonly de: DiffEndpoint }[] {
  const ranges = externalRangesOf([before, after]).map((r) => ({ ep: r.endpoint, de: { id: r.id, kind: 'ip' as const, cidrs: r.cidrs, label: r.label } }));
  if (ranges.length > 0) return ranges;
  return [{ ep: { kind: 'ip', bytes: [0, 0, 0, 0], text: '0.0.0.0' }, de: { id: 'ip:0.0.0.0/0', kind: 'ip', cidrs: ['0.0.0.0/0'], label: '0.0.0.0/0' } }];
}

/** The semantic diff of two worlds. */
export function diffWorlds(before: World, after: World, options: DiffOptions = {}): WorldDiff {
  const pb = podsByKey(before);
  const pa = podsByKey(after);
  const common = [...pb.keys()].filter((k) => pa.has(k));
  const endpoints: EndpointChange[] = [];
  for (const [k, p] of pb) if (!pa.has(k)) endpoints.push({ endpoint: podEndpoint(p), change: 'disappeared', source: p.source });
  for (const [k, p] of pa) if (!pb.has(k)) endpoints.push({ endpoint: podEndpoint(p), change: 'appeared', source: p.source });
  endpoints.sort((x, y) => (x.change === y.change ? 0 : x.change === 'appeared' ? -1 : 1) || x.endpoint.id.localeCompare(y.endpoint.id));

  const ranges = diffRanges(before, after);
  const extra = ranges.map((r) => r.ep);
  const idxB = new Map<PodInfo, number>(before.pods.map((p, i) => [p, i]));
  const idxA = new Map<PodInfo, number>(after.pods.map((p, i) => [p, i]));
  // The compared endpoints: common pods, then the ranges.
  interface Ep {
    readonly de: DiffEndpoint;
    readonly b: number;
    readonly a: number;
    readonly pod: boolean;
  }
  const eps: Ep[] = [
    ...common.map((k) => ({ de: podEndpoint(pb.get(k)!), b: idxB.get(pb.get(k)!)!, a: idxA.get(pa.get(k)!)!, pod: true })),
    ...ranges.map((r, i) => ({ de: r.de, b: before.pods.length + i, a: after.pods.length + i, pod: false })),
  ];

  // Which sources / destinations can have changed at all. A pair's connections depend only on
  // the policies selecting its source for egress, those selecting its destination for ingress,
  // and both ends' labels, ports, IPs and namespace labels: a pair none of these changed for is
  // equal on both sides (pods appearing or disappearing change no other pair).
  let srcAffected: (e: Ep) => boolean = () => true;
  let dstAffected: (e: Ep) => boolean = () => true;
  if (!options.full) {
    const eg = new Set<string>();
    const ing = new Set<string>();
    for (const k of common) {
      const b = pb.get(k)!;
      const a = pa.get(k)!;
      const self = endpointSignature(before, b) !== endpointSignature(after, a);
      if (self || selectingSignature(before, b, 'egress') !== selectingSignature(after, a, 'egress')) eg.add(k);
      if (self || selectingSignature(before, b, 'ingress') !== selectingSignature(after, a, 'ingress')) ing.add(k);
      if (self) {
        // Its row and its column: as a destination of anyone and a source to anyone.
        eg.add(k);
        ing.add(k);
      }
    }
    const keyOf = new Map<Ep, string>();
    eps.forEach((e, i) => i < common.length && keyOf.set(e, common[i]));
    srcAffected = (e) => e.pod && eg.has(keyOf.get(e)!);
    dstAffected = (e) => e.pod && ing.has(keyOf.get(e)!);
  }

  const changes: PairChange[] = [];
  let compared = 0;
  const srcs = eps.filter(srcAffected);
  const dsts = eps.filter(dstAffected);
  const srcSet = new Set(srcs);
  const pairs: [Ep, Ep][] = [];
  for (const f of srcs) for (const d of eps) if (f.pod || d.pod) pairs.push([f, d]);
  for (const d of dsts) for (const f of eps) if (!srcSet.has(f) && (f.pod || d.pod)) pairs.push([f, d]);
  // Few pairs: each on its own (pairConnections); many: the bulk index (per-peer masks over every
  // endpoint cost a while to build, then each pair is a few lookups). Both give the same sets.
  const endsB: Endpoint[] = [...before.pods.map((pod): Endpoint => ({ kind: 'pod', pod })), ...extra];
  const endsA: Endpoint[] = [...after.pods.map((pod): Endpoint => ({ kind: 'pod', pod })), ...extra];
  let conn: (w: 'b' | 'a', i: number, j: number) => PairConnections;
  let setOf: (w: 'b' | 'a', i: number, j: number) => ConnSet;
  if (options.strategy === 'single' || (options.strategy !== 'bulk' && pairs.length <= DIRECT_PAIRS)) {
    conn = (w, i, j) => (w === 'b' ? pairConnections(before, endsB[i], endsB[j]) : pairConnections(after, endsA[i], endsA[j]));
    setOf = (w, i, j) => conn(w, i, j).set;
  } else {
    const ib = connectivityIndex(before, extra);
    const ia = connectivityIndex(after, extra);
    conn = (w, i, j) => (w === 'b' ? ib : ia).contributions(i, j);
    setOf = (w, i, j) => (w === 'b' ? ib : ia).between(i, j);
  }
  for (const [f, d] of pairs) {
    compared++;
    const b = setOf('b', f.b, d.b);
    const a = setOf('a', f.a, d.a);
    if (connEquals(a, b)) continue;
    const gained = subtractConn(a, b);
    const lost = subtractConn(b, a);
    const change: ChangeKind = connIsEmpty(b) ? 'added' : connIsEmpty(a) ? 'removed' : 'changed';
    const reasons = reasonsFor(conn('b', f.b, d.b), conn('a', f.a, d.a), f.de, d.de, gained, lost);
    changes.push({ from: f.de, to: d.de, change, before: b, after: a, gained, lost, widening: !connIsEmpty(gained), narrowing: !connIsEmpty(lost), reasons });
  }

  changes.sort((x, y) => Number(y.widening) - Number(x.widening) || x.from.id.localeCompare(y.from.id) || x.to.id.localeCompare(y.to.id) || (x.from.podKind ?? '').localeCompare(y.from.podKind ?? '') || (x.to.podKind ?? '').localeCompare(y.to.podKind ?? ''));
  return { changes, endpoints, comparedPairs: compared };
}

/** Whether a reason names the policy `namespace/name`. */
function mentions(c: PairChange, namespace: string, name: string): boolean {
  return c.reasons.some((r) => r.policy.namespace === namespace && r.policy.name === name);
}

export interface PolicyDiffSummary {
  /** Pairs that gained connections / lost connections with this policy among the reasons. */
  readonly gained: number;
  readonly lost: number;
  readonly changes: readonly PairChange[];
}

/**
 * The changes a policy accounts for: the pairs among whose reasons it is (one of its rules allows
 * ports gained or lost, or it isolates an end on one side only). `gained`/`lost` count those
 * pairs that gained / lost some connection (a pair can count in both).
 */
export function policyDiffSummary(diff: WorldDiff, namespace: string, name: string): PolicyDiffSummary {
  const changes = diff.changes.filter((c) => mentions(c, namespace, name));
  return { gained: changes.filter((c) => c.widening).length, lost: changes.filter((c) => c.narrowing).length, changes };
}

export interface PolicyChange {
  readonly namespace: string;
  readonly name: string;
  readonly change: 'added' | 'removed' | 'modified';
}

/**
 * Which policies of `file` differ between the two worlds, by namespace/name: added, removed, or
 * modified (their namespace or spec differ; formatting, comments and key order do not count).
 */
export function changedPolicies(before: World, after: World, file: string): PolicyChange[] {
  const sigs = (w: World) => {
    const m = new Map<string, string[]>();
    for (const p of w.policies) {
      if (p.ref.file !== file) continue;
      const k = refKey(p.ref);
      m.set(k, [...(m.get(k) ?? []), signatureOf(p)]);
    }
    for (const r of w.rejected) if (r.ref.file === file && !m.has(refKey(r.ref))) m.set(refKey(r.ref), ['rejected']);
    return m;
  };
  const b = sigs(before);
  const a = sigs(after);
  const out: PolicyChange[] = [];
  const split = (k: string) => ({ namespace: k.slice(0, k.indexOf('/')), name: k.slice(k.indexOf('/') + 1) });
  for (const [k, s] of a) {
    const old = b.get(k);
    if (!old) out.push({ ...split(k), change: 'added' });
    else if (canonicalJson([...old].sort()) !== canonicalJson([...s].sort())) out.push({ ...split(k), change: 'modified' });
  }
  for (const k of b.keys()) if (!a.has(k)) out.push({ ...split(k), change: 'removed' });
  return out;
}
