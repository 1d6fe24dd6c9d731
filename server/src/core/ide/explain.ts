/**
 * The explanation of one connection's verdict: which policies isolate each end (with file:line),
 * which policy, rule, peer and port allowed it, or why no rule did.
 */
import type { CompiledPolicy, CompiledRule, PolicyRef, RejectedPolicy } from '../semantics/compile';
import { evaluate, peerMatches, portEntryMatches, RuleMatch, Traffic, Verdict, World } from '../semantics/evaluate';
import { matchesSelector } from '../semantics/selector';
import { endpointName } from '../semantics/endpoints';
import { Locate, where } from './provenance';
import { describePeer, describePort, peerPath, policyName, rulePath } from './peers';
import { t } from '../l10n';


export interface PolicyLocation {
  readonly policy: string;
  readonly namespace: string;
  readonly file: string;
  readonly line?: number;
}

export interface AllowedBy extends PolicyLocation {
  readonly direction: 'ingress' | 'egress';
  /** 0-based index of the rule in spec.ingress / spec.egress. */
  readonly rule: number;
  /** The rule's field path, e.g. spec.ingress[0]. */
  readonly path: string;
  /** The matching peer, described; absent when the rule allows every peer. */
  readonly peer?: string;
  readonly peerPath?: string;
  /** The matching port entry, described; absent when the rule allows every port. */
  readonly port?: string;
}

export interface DirectionExplanation {
  /** Whether this end is a pod in the files (an outside address has no policies). */
  readonly inCluster: boolean;
  readonly isolated: boolean;
  readonly isolatedBy: readonly PolicyLocation[];
  readonly allowedBy: readonly AllowedBy[];
  readonly allowed: boolean;
}

export interface TrafficExplanation {
  readonly from: string;
  readonly to: string;
  readonly port: number;
  /** The port's name when it was asked for by name. */
  readonly portName?: string;
  readonly protocol: string;
  readonly allowed: boolean;
  /** Whether both ends are the same pod (always allowed). */
  readonly self: boolean;
  /** One line per fact, in reading order. */
  readonly reasons: readonly string[];
  readonly egress: DirectionExplanation;
  readonly ingress: DirectionExplanation;
  readonly notApplied: readonly (PolicyLocation & { readonly reason: string })[];
  readonly caveats: readonly string[];
}

export function locationOf(ref: PolicyRef, locate: Locate | undefined): PolicyLocation {
  const line = locate?.(ref.file, ref.span.start);
  return { policy: ref.name, namespace: ref.namespace, file: ref.file, ...(line !== undefined ? { line } : {}) };
}

function allowedByOf(m: RuleMatch, locate: Locate | undefined): AllowedBy {
  const line = locate?.(m.policy.file, m.rule.span.start);
  return {
    policy: m.policy.name,
    namespace: m.policy.namespace,
    file: m.policy.file,
    ...(line !== undefined ? { line } : {}),
    direction: m.direction,
    rule: m.rule.index,
    path: rulePath(m.direction, m.rule),
    ...(m.peer ? { peer: describePeer(m.peer), peerPath: peerPath(m.direction, m.rule, m.peer) } : {}),
    ...(m.port ? { port: describePort(m.port) } : {}),
  };
}

function refList(refs: readonly PolicyRef[], locate: Locate | undefined): string {
  return refs.map((r) => `${policyName(r)} (${where(locate, r.file, r.span.start)})`).join(', ');
}

/** Why a rule did not allow the connection, for the "blocked" explanation. */
function missReason(world: World, policy: CompiledPolicy, dir: 'ingress' | 'egress', rule: CompiledRule, tr: Traffic): string {
  const other = dir === 'egress' ? tr.to : tr.from;
  const scratch = new Set<string>();
  const peerOk = !rule.peers || rule.peers.some((p) => peerMatches(world, policy, p, other, scratch));
  const portOk = !rule.ports || rule.ports.some((e) => portEntryMatches(e, tr.port, tr.protocol, tr.to));
  const side = dir === 'ingress' ? 'from' : 'to';
  const peers = rule.peers?.map(describePeer).join('; ') ?? '';
  const ports = rule.ports?.map(describePort).join(', ') ?? '';
  const peerMiss = t('{0} ({1}) does not match {2}', side, peers, endpointName(other));
  const portMiss = t('ports ({0}) do not include {1}{2}', ports, `${tr.port}/${tr.protocol}`, rule.ports?.some((e) => typeof e.port === 'string') && tr.to.kind !== 'pod' ? t(' (a named port never matches an address outside the cluster)') : '');
  if (!peerOk && !portOk) return t('its {0}, and its {1}', peerMiss, portMiss);
  if (!peerOk) return t('its {0}', peerMiss);
  if (!portOk) return t('its {0}', portMiss);
  return t('it matches'); // not reached for a blocked direction
}

function directionReasons(world: World, tr: Traffic, v: Verdict, dir: 'ingress' | 'egress', locate: Locate | undefined): string[] {
  const d = dir === 'egress' ? v.egress : v.ingress;
  const self = dir === 'egress' ? tr.from : tr.to;
  const other = dir === 'egress' ? tr.to : tr.from;
  const selfName = endpointName(self);
  if (self.kind !== 'pod') {
    return [`${dir}: ${dir === 'egress' ? t('{0} is outside the cluster, so no NetworkPolicy restricts its sending end', selfName) : t('{0} is outside the cluster, so no NetworkPolicy restricts its receiving end', selfName)}`];
  }
  if (d.isolatedBy.length === 0) {
    const Type = dir === 'egress' ? 'Egress' : 'Ingress';
    // Policies that select it but that the API server rejects: say so, not "no policy selects it".
    const pod = self.pod;
    const rejected = v.notApplied.filter((r) => r.intended && r.ref.namespace === pod.namespace && r.intended.types.includes(Type) && matchesSelector(r.intended.podSelector, pod.labels)).map((r) => r.ref);
    if (rejected.length) {
      const args = [selfName, dir, refList(rejected, locate), Type];
      const one = rejected.length === 1;
      return [`${dir}: ${dir === 'egress'
        ? one ? t('{0} is not isolated for {1}: {2} selects it with {3} in policyTypes but is not applied, because the API server rejects it (see its errors); no applied NetworkPolicy isolates it, so every destination is allowed', ...args) : t('{0} is not isolated for {1}: {2} select it with {3} in policyTypes but are not applied, because the API server rejects them (see their errors); no applied NetworkPolicy isolates it, so every destination is allowed', ...args)
        : one ? t('{0} is not isolated for {1}: {2} selects it with {3} in policyTypes but is not applied, because the API server rejects it (see its errors); no applied NetworkPolicy isolates it, so every source is allowed', ...args) : t('{0} is not isolated for {1}: {2} select it with {3} in policyTypes but are not applied, because the API server rejects them (see their errors); no applied NetworkPolicy isolates it, so every source is allowed', ...args)}`];
    }
    return [`${dir}: ${dir === 'egress' ? t('{0} is not isolated for {1} (no NetworkPolicy in namespace {2} selects it with {3} in its policyTypes), so every destination is allowed', selfName, dir, self.pod.namespace, Type) : t('{0} is not isolated for {1} (no NetworkPolicy in namespace {2} selects it with {3} in its policyTypes), so every source is allowed', selfName, dir, self.pod.namespace, Type)}`];
  }
  const out = [`${dir}: ${t('{0} is isolated for {1} by {2}', selfName, dir, refList(d.isolatedBy, locate))}`];
  if (d.allowed) {
    for (const m of d.allowedBy) {
      const what = [m.peer ? (dir === 'ingress' ? t('from {0}', describePeer(m.peer)) : t('to {0}', describePeer(m.peer))) : dir === 'ingress' ? t('from every source') : t('to every destination'), m.port ? t('port {0}', describePort(m.port)) : t('every port')].join(', ');
      out.push(`  ${t('allowed by {0} {1} ({2}): {3}', policyName(m.policy), rulePath(dir, m.rule), where(locate, m.policy.file, m.rule.span.start), what)}`);
    }
    return out;
  }
  const args = [dir, endpointName(other), `${tr.port}/${tr.protocol}`];
  const noRule = d.isolatedBy.length === 1
    ? dir === 'egress' ? t('no {0} rule of that policy allows to {1} on {2}:', ...args) : t('no {0} rule of that policy allows from {1} on {2}:', ...args)
    : dir === 'egress' ? t('no {0} rule of those policies allows to {1} on {2}:', ...args) : t('no {0} rule of those policies allows from {1} on {2}:', ...args);
  out.push(`  ${noRule}`);
  for (const ref of d.isolatedBy) {
    const policy = world.policies.find((p) => p.ref === ref);
    if (!policy) continue;
    const rules = dir === 'egress' ? policy.egress : policy.ingress;
    if (rules.length === 0) {
      out.push(`    ${t('{0} has no {1} rules: on its own it allows no {1} at all', policyName(ref), dir)}`);
      continue;
    }
    for (const r of rules) out.push(`    ${policyName(ref)} ${rulePath(dir, r)} (${where(locate, ref.file, r.span.start)}): ${missReason(world, policy, dir, r, tr)}`);
  }
  return out;
}

/** Evaluates one connection and says why, with provenance (file:line when `locate` knows the file). */
/** `opts.verdict`: `evaluate(world, tr)` when the caller has it already. */
export function explainTraffic(world: World, tr: Traffic, opts: { readonly locate?: Locate; readonly portName?: string; readonly verdict?: Verdict } = {}): TrafficExplanation {
  const v = opts.verdict ?? evaluate(world, tr);
  const { locate } = opts;
  const reasons: string[] = [];
  if (v.self) reasons.push(t('{0} is the destination itself: traffic from a pod to itself is always allowed', endpointName(tr.from)));
  for (const e of v.self ? [tr.from] : [tr.from, tr.to]) {
    if (e.kind === 'pod' && e.pod.kind !== 'Pod') reasons.push(t('{0} is a {1}: the answer holds for each of its pods', endpointName(e), e.pod.kind));
  }
  reasons.push(...directionReasons(world, tr, v, 'egress', locate), ...directionReasons(world, tr, v, 'ingress', locate));
  const notApplied = v.notApplied.map((r: RejectedPolicy) => ({ ...locationOf(r.ref, locate), reason: r.reason }));
  for (const r of v.notApplied) reasons.push(t('not applied: {0} ({1}): {2}', policyName(r.ref), where(locate, r.ref.file, r.ref.span.start), r.reason));
  for (const c of v.caveats) reasons.push(t('caveat: {0}', c));
  const dirJson = (d: Verdict['egress']): DirectionExplanation => ({
    inCluster: d.inCluster,
    isolated: d.isolatedBy.length > 0,
    isolatedBy: d.isolatedBy.map((r) => locationOf(r, locate)),
    allowedBy: d.allowedBy.map((m) => allowedByOf(m, locate)),
    allowed: d.allowed,
  });
  return {
    from: endpointName(tr.from),
    to: endpointName(tr.to),
    port: tr.port,
    ...(opts.portName ? { portName: opts.portName } : {}),
    protocol: tr.protocol,
    allowed: v.allowed,
    self: v.self,
    reasons,
    egress: dirJson(v.egress),
    ingress: dirJson(v.ingress),
    notApplied,
    caveats: v.caveats,
  };
}

/** The explanation as terminal text: a verdict line, then the reasons indented. */
export function renderTrafficText(x: TrafficExplanation): string {
  const port = x.portName ? `${x.port}/${x.protocol} (${t('port {0}', x.portName)})` : `${x.port}/${x.protocol}`;
  return [t(x.allowed ? 'allowed: {0}' : 'blocked: {0}', `${x.from} -> ${x.to} ${port}`), ...x.reasons.map((r) => `  ${r}`)].join('\n') + '\n';
}

