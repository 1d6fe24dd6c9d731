/**
 * Evaluating connectivity assertions against the World. The semantics, exactly:
 *
 * - The pairs: every (source, destination) of the two endpoints' pods; a selection
 *   (`ns/*`, `ns/app=web`, `*`/...) stands for each pod it matches, and a pod paired with itself
 *   is left out when either side is a selection (a pod always reaches itself). A selection that
 *   matches no pod, or only self-pairs, is an error, never a vacuous pass.
 * - The ports: one port, a range, or `any` (every port of one protocol, or of all three); a
 *   named port is resolved on each destination pod (an error when one of them lacks it).
 * - Per pair, the allowed connections are `pairConnections` (exact, both ends, every port).
 * - `allowed` holds when every port is allowed for every pair; `blocked` when no port is allowed
 *   for any pair; `partially` when at least one connection is allowed and at least one blocked.
 *
 * A failing assertion names one connection that contradicts it (a witness), explained as
 * `traffic` explains it, with the policies that decide it.
 */
import type { PodInfo } from '../../model/inventory';
import type { Span } from '../../text';
import { ALL_CONNECTIONS, ConnectivityIndex, connectivityIndex, ConnSet, connEquals, connIsEmpty, connOf, intersectConn, MAX_PORT, pairConnections, Protocol, PROTOCOLS, subtractConn } from '../../semantics/connset';
import { Endpoint, evaluate, Traffic, World } from '../../semantics/evaluate';
import { matchesSelector } from '../../semantics/selector';
import { resolveEndpoint } from '../../semantics/endpoints';
import { explainTraffic, TrafficExplanation } from '../matrix';
import type { Locate } from '../provenance';
import { Assertion, EndpointSpec, EXPECT_MARKER, formatPortSpec, parseAssertions, PortSpec, Verdict } from './parse';
import { t } from '../../l10n';

export interface RelatedPlace {
  readonly file: string;
  readonly span: Span;
  readonly message: string;
}

export type AssertionStatus = 'pass' | 'fail' | 'error';

export interface AssertionResult {
  readonly file: string;
  readonly assertion: Assertion;
  readonly status: AssertionStatus;
  /** Syntax or resolution problem (status error): where, and what. */
  readonly error?: { readonly span: Span; readonly message: string; readonly kind: 'syntax' | 'unresolved' };
  /** What the policies give (pass and fail). */
  readonly actual?: Verdict;
  /** How many (source, destination) pairs were checked, and how many had every / no port allowed. */
  readonly pairs?: number;
  readonly fullyAllowed?: number;
  readonly fullyBlocked?: number;
  /** One connection showing the outcome: for a failure, one that contradicts the expectation. */
  readonly witness?: TrafficExplanation;
  /** Where that connection is decided. */
  readonly related?: readonly RelatedPlace[];
  /** The failure, for people: a summary line, then the witness's explanation. */
  readonly message?: string;
  /** Connections to try in a real cluster, with the outcome the assertion expects. */
  readonly probes: readonly Probe[];
}

export interface Probe {
  readonly from: PodInfo | undefined;
  readonly to: Endpoint;
  readonly port: number;
  readonly protocol: string;
  readonly allowed: boolean;
}

const podIndexes = new WeakMap<World, Map<string, PodInfo>>();
function podIndex(world: World): Map<string, PodInfo> {
  let m = podIndexes.get(world);
  if (!m) {
    m = new Map();
    for (const p of world.pods) {
      const key = `${p.namespace}/${p.name}`;
      const seen = m.get(key);
      if (!seen || (seen.kind !== 'Pod' && p.kind === 'Pod')) m.set(key, p);
    }
    podIndexes.set(world, m);
  }
  return m;
}

const podsByNamespace = new WeakMap<World, Map<string, PodInfo[]>>();
/** The world's pods of one namespace, in world order (memoised per World). */
function podsIn(world: World, namespace: string): readonly PodInfo[] {
  let m = podsByNamespace.get(world);
  if (!m) {
    m = new Map();
    for (const p of world.pods) {
      const list = m.get(p.namespace);
      if (list) list.push(p);
      else m.set(p.namespace, [p]);
    }
    podsByNamespace.set(world, m);
  }
  return m.get(namespace) ?? [];
}

type Resolved = { readonly endpoints: readonly Endpoint[]; readonly single: boolean } | { readonly error: string };

function resolveSpec(world: World, spec: EndpointSpec): Resolved {
  if (spec.kind === 'select') {
    const pods = (spec.namespace === undefined ? world.pods : podsIn(world, spec.namespace)).filter((p) => matchesSelector(spec.selector, p.labels));
    if (pods.length === 0) return { error: t('no pod in the workspace matches {0}', spec.text) };
    return { endpoints: pods.map((pod): Endpoint => ({ kind: 'pod', pod })), single: false };
  }
  if (spec.kind === 'pod') {
    // What resolveEndpoint finds (a Pod first, else the first workload of that name), by lookup.
    const pod = podIndex(world).get(`${spec.namespace}/${spec.name}`);
    if (pod) return { endpoints: [{ kind: 'pod', pod }], single: true };
  }
  const r = resolveEndpoint(world, spec.kind === 'ip' ? `ip:${spec.address}` : `${spec.namespace}/${spec.name}`);
  return 'error' in r ? r : { endpoints: [r.endpoint], single: true };
}

/** The connections the assertion asks about towards one destination. */
function wanted(port: PortSpec, dest: Endpoint): ConnSet | { error: string } {
  switch (port.kind) {
    case 'number': return connOf({ [port.protocol as Protocol]: [[port.port, port.port]] });
    case 'range': return connOf({ [port.protocol as Protocol]: [[port.from, port.to]] });
    case 'any': return port.protocol ? connOf({ [port.protocol as Protocol]: [[1, MAX_PORT]] }) : ALL_CONNECTIONS;
    default: {
      if (dest.kind !== 'pod') return { error: t('a named port ({0}) needs a pod destination', port.name) };
      const cps = dest.pod.ports.filter((c) => c.name === port.name && (!port.protocol || c.protocol === port.protocol));
      if (cps.length === 0) return { error: t('{0} has no container port named {1}', `${dest.pod.namespace}/${dest.pod.name}`, formatPortSpec(port)) };
      const parts: Partial<Record<Protocol, [number, number][]>> = {};
      for (const c of cps) (parts[c.protocol as Protocol] ??= []).push([c.port, c.port]);
      return connOf(parts);
    }
  }
}

function firstConnection(s: ConnSet): { port: number; protocol: Protocol } | undefined {
  for (const p of PROTOCOLS) if (s[p].length) return { port: s[p][0][0], protocol: p };
  return undefined;
}

function verdictWord(v: Verdict): string {
  return v === 'allowed' ? t('allowed') : v === 'blocked' ? t('blocked') : t('partially allowed');
}

/** Bulk connectivity for large selections: one index per World. */
const indexes = new WeakMap<World, { index: ConnectivityIndex; at: Map<PodInfo, number> }>();
function bulk(world: World): { index: ConnectivityIndex; at: Map<PodInfo, number> } {
  let b = indexes.get(world);
  if (!b) {
    const index = connectivityIndex(world);
    const at = new Map<PodInfo, number>();
    world.pods.forEach((p, i) => at.set(p, i));
    indexes.set(world, (b = { index, at }));
  }
  return b;
}
const BULK_PAIRS = 2000;

export interface CheckOptions {
  readonly locate?: Locate;
}

/** Checks one parsed assertion of `file`. */
export function checkAssertion(world: World, file: string, a: Assertion, opts: CheckOptions = {}): AssertionResult {
  const base = { file, assertion: a, probes: [] as Probe[] };
  if (a.problem || !a.from || !a.to || !a.port || !a.verdict) {
    const p = a.problem ?? { span: a.line, message: t('incomplete assertion') };
    return { ...base, status: 'error', error: { ...p, kind: 'syntax' } };
  }
  const unresolved = (span: Span | undefined, message: string): AssertionResult => ({ ...base, status: 'error', error: { span: span ?? a.line, message, kind: 'unresolved' } });
  const from = resolveSpec(world, a.from);
  if ('error' in from) return unresolved(a.parts.from, from.error);
  const to = resolveSpec(world, a.to);
  if ('error' in to) return unresolved(a.parts.to, to.error);
  const sets = new Map<Endpoint, ConnSet>();
  for (const d of to.endpoints) {
    const w = wanted(a.port, d);
    if ('error' in w) return unresolved(a.parts.port, w.error);
    sets.set(d, w);
  }
  const keepSelf = from.single && to.single;
  const pairCount = from.endpoints.length * to.endpoints.length;
  const useBulk = pairCount > BULK_PAIRS && from.endpoints.every((e) => e.kind === 'pod') && to.endpoints.every((e) => e.kind === 'pod');
  const b = useBulk ? bulk(world) : undefined;
  let pairs = 0;
  let full = 0;
  let none = 0;
  let firstAllowed: { s: Endpoint; d: Endpoint; c: { port: number; protocol: Protocol } } | undefined;
  let firstBlocked: typeof firstAllowed;
  for (const s of from.endpoints) {
    for (const d of to.endpoints) {
      if (!keepSelf && s.kind === 'pod' && d.kind === 'pod' && s.pod === d.pod) continue;
      pairs++;
      const want = sets.get(d)!;
      const conn = b && s.kind === 'pod' && d.kind === 'pod' ? b.index.between(b.at.get(s.pod)!, b.at.get(d.pod)!) : pairConnections(world, s, d).set;
      const got = intersectConn(conn, want);
      if (connEquals(got, want)) full++;
      else if (connIsEmpty(got)) none++;
      if (!firstAllowed && !connIsEmpty(got)) firstAllowed = { s, d, c: firstConnection(got)! };
      if (!firstBlocked && !connEquals(got, want)) firstBlocked = { s, d, c: firstConnection(subtractConn(want, got))! };
    }
  }
  if (pairs === 0) return unresolved(a.parts.to, t('the only pair is a pod with itself (always allowed): name other pods'));
  const actual: Verdict = full === pairs ? 'allowed' : none === pairs ? 'blocked' : 'partially';
  const holds = actual === a.verdict;
  // The witness: a connection that contradicts the expectation (or, when it holds, one that shows it).
  const pick = !holds
    ? a.verdict === 'allowed' ? firstBlocked : a.verdict === 'blocked' ? firstAllowed : actual === 'allowed' ? firstAllowed : firstBlocked
    : a.verdict === 'blocked' ? firstBlocked : firstAllowed;
  const probes: Probe[] = [];
  const probeOf = (w: typeof firstAllowed, allowed: boolean) => {
    if (w) probes.push({ from: w.s.kind === 'pod' ? w.s.pod : undefined, to: w.d, port: w.c.port, protocol: w.c.protocol, allowed });
  };
  // The cluster check of the expectation: the connection most likely to disprove it.
  if (a.verdict === 'allowed') probeOf(firstBlocked ?? firstAllowed, true);
  else if (a.verdict === 'blocked') probeOf(firstAllowed ?? firstBlocked, false);
  else {
    probeOf(firstAllowed, true);
    probeOf(firstBlocked, false);
  }
  const counts = { pairs, fullyAllowed: full, fullyBlocked: none };
  if (holds || !pick) return { ...base, status: 'pass', actual, ...counts, probes };
  const tr: Traffic = { from: pick.s, to: pick.d, port: pick.c.port, protocol: pick.c.protocol };
  const portName = a.port.kind === 'name' ? a.port.name : undefined;
  const verdict = evaluate(world, tr);
  const witness = explainTraffic(world, tr, { locate: opts.locate, verdict, ...(portName ? { portName } : {}) });
  const summary = [t('expected {0}, but it is {1}', verdictWord(a.verdict), verdictWord(actual))];
  if (pairs > 1) summary.push(t('{0} of {1} pod pairs have every port asked for allowed, {2} have none', full, pairs, none));
  const message = [summary.join('; '), t('for example: {0}', witnessText(witness))].join('\n');
  return { ...base, status: 'fail', actual, ...counts, witness, related: relatedOf(verdict), message, probes };
}

function witnessText(x: TrafficExplanation): string {
  const port = x.portName ? `${x.port}/${x.protocol} (${t('port {0}', x.portName)})` : `${x.port}/${x.protocol}`;
  return [t(x.allowed ? 'allowed: {0}' : 'blocked: {0}', `${x.from} -> ${x.to} ${port}`), ...x.reasons.map((r) => `  ${r}`)].join('\n');
}

/** The places that decide a connection: the rules that allow it, or the policies that isolate the end that blocks it. */
function relatedOf(v: ReturnType<typeof evaluate>): RelatedPlace[] {
  const out: RelatedPlace[] = [];
  for (const [dir, d] of [['egress', v.egress], ['ingress', v.ingress]] as const) {
    if (!d.inCluster || d.isolatedBy.length === 0) continue;
    if (d.allowed) {
      for (const m of d.allowedBy) out.push({ file: m.policy.file, span: m.rule.span, message: t('{0} spec.{1}[{2}] allows it', `${m.policy.namespace}/${m.policy.name}`, dir, m.rule.index) });
    } else {
      for (const r of d.isolatedBy) out.push({ file: r.file, span: r.span, message: t('{0} isolates the {1} end for {2} and none of its rules allows it', `${r.namespace}/${r.name}`, dir === 'egress' ? t('sending') : t('receiving'), dir) });
    }
  }
  return out;
}

/** Every assertion of one file, checked (memoised per World, file and text). */
const memo = new WeakMap<World, Map<string, { text: string; results: AssertionResult[] }>>();
export function checkFileAssertions(world: World, file: string, text: string, opts: CheckOptions = {}): AssertionResult[] {
  if (opts.locate) return text.includes(EXPECT_MARKER) ? parseAssertions(text).map((a) => checkAssertion(world, file, a, opts)) : [];
  const steps = checkFileAssertionsSteps(world, file, text, Infinity);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/**
 * `checkFileAssertions` in steps of `chunk` assertions, filling the same memo: the language
 * server's workspace pass runs it before the assertion rules, so a file of a thousand assertions
 * is checked a few at a time between requests. The workspace rules ask once per few policies: a
 * memo hit (the same string) is answered without reading the text again, a file without
 * assertions included.
 */
export function* checkFileAssertionsSteps(world: World, file: string, text: string, chunk = 25): Generator<void, AssertionResult[], void> {
  let byFile = memo.get(world);
  if (!byFile) memo.set(world, (byFile = new Map()));
  const hit = byFile.get(file);
  if (hit && hit.text === text) return hit.results;
  const list = text.includes(EXPECT_MARKER) ? parseAssertions(text) : [];
  const results: AssertionResult[] = [];
  for (let i = 0; i < list.length; i++) {
    results.push(checkAssertion(world, file, list[i]));
    if ((i + 1) % chunk === 0 && i + 1 < list.length) yield;
  }
  byFile.set(file, { text, results });
  return results;
}
