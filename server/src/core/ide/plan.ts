/**
 * A verification plan: for each policy and each pod it selects, a few connections worth trying in
 * the real cluster (one its rules allow, one they do not; for egress-isolated pods also an allowed
 * and a blocked destination and DNS to kube-dns), each as the `kubectl exec` command to run and the
 * outcome the engine expects, with the reason. Everything is chosen deterministically from the
 * files (policies and pods sorted by namespace and name, rules in order).
 */
import type { PodInfo } from '../model/inventory';
import type { CompiledPolicy, CompiledRule, RejectedPolicy } from '../semantics/compile';
import { formatAddress } from '../semantics/cidr';
import { Endpoint, evaluate, peerMatches, Traffic, World } from '../semantics/evaluate';
import { matchesSelector } from '../semantics/selector';
import { Locate, where } from './provenance';
import { explainTraffic, podTitle, sortPods, TrafficExplanation } from './matrix';
import * as l10n from '../l10n';

import { commands, EXPECT_CONNECTS, EXPECT_TIMES_OUT, execTarget } from './planCommands';

export { EXPECT_CONNECTS, EXPECT_TIMES_OUT } from './planCommands';

export type CheckKind = 'allowed source' | 'blocked source' | 'allowed destination' | 'blocked destination' | 'dns';

export interface PlanCheck {
  /** 1-based number in the plan. */
  readonly id: number;
  readonly kind: CheckKind;
  readonly from: string;
  readonly to: string;
  readonly port: number;
  readonly protocol: string;
  readonly allowed: boolean;
  readonly expect: string;
  /** The command to run, and an alternative with another client. */
  readonly command: string;
  readonly alternative: string;
  readonly why: string;
}

export interface PlanSection {
  readonly policy: string;
  readonly location: string;
  readonly selects: readonly string[];
  /** Checks listed under this policy (a check shared with an earlier section is referenced by id). */
  readonly checks: readonly PlanCheck[];
  readonly seeAlso: readonly number[];
  readonly notes: readonly string[];
}

export interface VerificationPlan {
  readonly sections: readonly PlanSection[];
  readonly notApplied: readonly string[];
  readonly checkCount: number;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
/** A short reason built from the explanation's facts. */
function whyOf(x: TrafficExplanation): string {
  const parts: string[] = [];
  for (const dir of ['egress', 'ingress'] as const) {
    const d = x[dir];
    const end = dir === 'egress' ? x.from : x.to;
    if (!d.inCluster) continue;
    if (!d.isolated) {
      parts.push(l10n.t('{0} is not isolated for {1}', end, dir));
      continue;
    }
    const by = d.isolatedBy.map((p) => p.policy).join(', ');
    if (d.allowed) {
      const m = d.allowedBy[0];
      const peer = m.peer ? (dir === 'ingress' ? l10n.t('from {0}', m.peer) : l10n.t('to {0}', m.peer)) : undefined;
      const port = m.port ? l10n.t('port {0}', m.port) : undefined;
      const what = peer || port ? ` (${[peer, port].filter(Boolean).join(', ')})` : '';
      parts.push(l10n.t('{0} of {1} (isolated by {2}) is allowed by {3}{4}', dir, end, by, `${m.namespace}/${m.policy} ${m.path}`, what));
    } else parts.push(l10n.t('{0} is isolated for {1} by {2} and no {1} rule allows {3} on {4}', end, dir, by, dir === 'egress' ? x.to : x.from, `${x.port}/${x.protocol}`));
  }
  if (x.self) parts.unshift(l10n.t('a pod can always reach itself'));
  return parts.join('; ');
}

/** A port a rule allows towards `dest`, or undefined when none applies to it. */
function portFor(rule: CompiledRule, dest: Endpoint, fallback: { port: number; protocol: string }): { port: number; protocol: string } | undefined {
  if (!rule.ports) return fallback;
  for (const e of rule.ports) {
    if (e.port === undefined) return { port: defaultPort(dest, e.protocol).port, protocol: e.protocol };
    if (typeof e.port === 'number') return { port: e.port, protocol: e.protocol };
    if (dest.kind === 'pod') {
      const cp = dest.pod.ports.find((c) => c.name === e.port && c.protocol === e.protocol);
      if (cp) return { port: cp.port, protocol: cp.protocol };
    }
  }
  return undefined;
}

/** A port worth trying on a destination: its first container port (of the protocol), else 443 outside, 80 inside. */
function defaultPort(dest: Endpoint, protocol?: string): { port: number; protocol: string } {
  if (dest.kind === 'pod') {
    const cp = dest.pod.ports.find((c) => (protocol ? c.protocol === protocol : c.protocol === 'TCP')) ?? (protocol ? undefined : dest.pod.ports[0]);
    if (cp) return { port: cp.port, protocol: cp.protocol };
    return { port: 80, protocol: protocol ?? 'TCP' };
  }
  return { port: 443, protocol: protocol ?? 'TCP' };
}

function ipEndpoint(bytes: readonly number[]): Endpoint {
  return { kind: 'ip', bytes, text: formatAddress(bytes) };
}

/** Addresses inside an ipBlock (not in its except list) worth trying, first ones first. */
function addressesIn(rule: CompiledRule): Endpoint[] {
  const out: Endpoint[] = [];
  for (const peer of rule.peers ?? []) {
    const b = peer.ipBlock;
    if (!b) continue;
    const bits = b.cidr.network.length * 8;
    const hostBits = bits - b.cidr.prefix;
    const tries = hostBits === 0 ? [0] : [1, 2, 3, 10, 100].filter((k) => hostBits > 20 || k < 2 ** hostBits);
    for (const k of tries) {
      const bytes = [...b.cidr.network];
      let carry = k;
      for (let i = bytes.length - 1; i >= 0 && carry > 0; i--) {
        const sum = bytes[i] + carry;
        bytes[i] = sum & 0xff;
        carry = sum >>> 8;
      }
      out.push(ipEndpoint(bytes));
    }
  }
  return out;
}

/** A public address that answers HTTPS; used to show that other outside traffic is blocked. */
const OUTSIDE_PROBE = [1, 1, 1, 1];

const KUBE_DNS_LABEL = 'k8s-app';
const KUBE_DNS_VALUE = 'kube-dns';

/** Cluster DNS as most clusters run it: the coredns Deployment in kube-system, labelled k8s-app=kube-dns. */
function assumedKubeDns(): PodInfo {
  return {
    namespace: 'kube-system',
    name: 'coredns',
    kind: 'Deployment',
    labels: { [KUBE_DNS_LABEL]: KUBE_DNS_VALUE },
    ports: [
      { name: 'dns', port: 53, protocol: 'UDP' },
      { name: 'dns-tcp', port: 53, protocol: 'TCP' },
    ],
    ips: [],
    source: { file: '(assumed)', span: { start: 0, end: 0 } },
    namespaceWritten: true,
  };
}

export function buildPlan(world: World, opts: { readonly locate?: Locate } = {}): VerificationPlan {
  const { locate } = opts;
  const pods = sortPods(world.pods);
  const sources = pods.filter((p) => execTarget(p) !== undefined);
  const policies = [...world.policies].sort((a, b) => compareText(a.ref.namespace, b.ref.namespace) || compareText(a.ref.name, b.ref.name));
  const kubeDns = pods.filter((p) => p.labels[KUBE_DNS_LABEL] === KUBE_DNS_VALUE);
  const dnsTarget = kubeDns[0] ?? assumedKubeDns();

  interface Draft {
    readonly key: string;
    readonly primary: boolean;
    readonly check: Omit<PlanCheck, 'id'>;
  }
  const drafts: Draft[][] = [];
  const sectionNotes: string[][] = [];
  for (const policy of policies) {
    const selected = pods.filter((p) => p.namespace === policy.ref.namespace && matchesSelector(policy.podSelector, p.labels));
    const mine: Draft[] = [];
    const notes: string[] = [];
    const add: Add = (kind, src, dest, port, protocol, primary = true) => {
      const t: Traffic = { from: { kind: 'pod', pod: src }, to: dest, port, protocol };
      const x = explainTraffic(world, t, { locate });
      const dns = kind === 'dns';
      const check = {
        kind,
        from: x.from,
        to: x.to,
        port,
        protocol,
        allowed: x.allowed,
        expect: x.allowed ? (dns ? `${EXPECT_CONNECTS} (the name resolves)` : EXPECT_CONNECTS) : EXPECT_TIMES_OUT,
        ...commands(src, dest, port, protocol, dns),
        why: whyOf(x),
      };
      mine.push({ key: `${x.from}|${x.to}|${port}|${protocol}`, primary, check });
      return check;
    };
    if (selected.length === 0) notes.push(l10n.t("selects no pod in the given files: add the workloads' manifests to plan checks for it"));
    if (!policy.policyTypesWritten && policy.isolatesEgress && policy.ingress.length === 0) {
      notes.push(l10n.t('policyTypes is not written, so the API server sets it to Ingress, Egress: this policy also isolates the selected pods for ingress, and admits nothing itself'));
    }
    for (const target of selected) {
      const targetEp: Endpoint = { kind: 'pod', pod: target };
      if (policy.isolatesIngress) ingressChecks(world, policy, target, targetEp, sources, add, notes);
      if (policy.isolatesEgress) egressChecks(world, policy, target, pods, dnsTarget, kubeDns.length === 0, add, notes);
    }
    drafts.push(mine);
    sectionNotes.push([...new Set(notes)]);
  }

  // A check shown under several policies is listed once: under the first policy whose own rules
  // call for it (else the first that asks for it), and referenced by number elsewhere.
  const owner = new Map<string, number>();
  for (const primary of [true, false]) {
    drafts.forEach((list, si) => {
      for (const d of list) if (d.primary === primary && !owner.has(d.key)) owner.set(d.key, si);
    });
  }
  const ids = new Map<string, number>();
  let next = 1;
  drafts.forEach((list, si) => {
    for (const d of list) if (owner.get(d.key) === si && !ids.has(d.key)) ids.set(d.key, next++);
  });
  const sections: PlanSection[] = policies.map((policy, si) => {
    const checks: PlanCheck[] = [];
    const seeAlso: number[] = [];
    const listed = new Set<string>();
    for (const d of drafts[si]) {
      const id = ids.get(d.key)!;
      if (owner.get(d.key) === si) {
        if (!listed.has(d.key)) checks.push({ id, ...d.check });
        listed.add(d.key);
      } else if (!seeAlso.includes(id)) seeAlso.push(id);
    }
    return {
      policy: `${policy.ref.namespace}/${policy.ref.name}`,
      location: where(locate, policy.ref.file, policy.ref.span.start),
      selects: pods.filter((p) => p.namespace === policy.ref.namespace && matchesSelector(policy.podSelector, p.labels)).map(podTitle),
      checks,
      seeAlso: seeAlso.sort((a, b) => a - b),
      notes: sectionNotes[si],
    };
  });
  const notApplied = world.rejected.map((r: RejectedPolicy) => `${r.ref.namespace}/${r.ref.name} (${where(locate, r.ref.file, r.ref.span.start)}): ${r.reason}`);
  return { sections, notApplied, checkCount: next - 1 };
}

/**
 * The world as seen by one pod's own end: only the policies that select it. Whether the pod's
 * egress, or its ingress, allows a connection depends on nothing else, so the searches below ask
 * this much smaller world their one-end questions (and evaluate stays the only judge).
 */
const scoped = new WeakMap<World, Map<PodInfo, World>>();
function podWorld(world: World, pod: PodInfo): World {
  let byPod = scoped.get(world);
  if (!byPod) scoped.set(world, (byPod = new Map()));
  let w = byPod.get(pod);
  if (!w) byPod.set(pod, (w = { ...world, policies: world.policies.filter((p) => p.ref.namespace === pod.namespace && matchesSelector(p.podSelector, pod.labels)) }));
  return w;
}

type Add = (kind: CheckKind, src: PodInfo, dest: Endpoint, port: number, protocol: string, primary?: boolean) => Omit<PlanCheck, 'id'>;

function ingressChecks(world: World, policy: CompiledPolicy, target: PodInfo, targetEp: Endpoint, sources: readonly PodInfo[], add: Add, notes: string[]): void {
  const others = sources.filter((s) => s !== target);
  let probe = defaultPort(targetEp);
  let found = false;
  for (const rule of policy.ingress) {
    const port = portFor(rule, targetEp, defaultPort(targetEp));
    if (!port) continue;
    const src = others.find((s) => !rule.peers || rule.peers.some((p) => peerMatches(world, policy, p, { kind: 'pod', pod: s })));
    if (src) {
      add('allowed source', src, targetEp, port.port, port.protocol);
      probe = port;
      found = true;
      break;
    }
    if (rule.peers?.some((p) => p.ipBlock)) {
      notes.push(l10n.t('{0} admits addresses ({1}): test it from a host with such an address, not from a pod', rulePathOf('ingress', rule), rule.peers.filter((p) => p.ipBlock).map((p) => p.ipBlock!.cidrText).join(', ')));
    }
  }
  if (!found) {
    if (policy.ingress.length === 0) {
      if (policy.policyTypesWritten || !policy.isolatesEgress) notes.push(l10n.t('has no ingress rules: on its own it admits nothing; what the selected pods accept comes from other policies'));
    }
    else notes.push(l10n.t("no pod in the given files matches its ingress rules' sources"));
    // What still gets in, through other policies, is worth seeing.
    const src = others.find((s) => {
      const t: Traffic = { from: { kind: 'pod', pod: s }, to: targetEp, port: probe.port, protocol: probe.protocol };
      return evaluate(podWorld(world, target), t).ingress.allowed && evaluate(podWorld(world, s), t).egress.allowed;
    });
    if (src) add('allowed source', src, targetEp, probe.port, probe.protocol, false);
  }
  const local = podWorld(world, target);
  const blocked = others.find((s) => !evaluate(local, { from: { kind: 'pod', pod: s }, to: targetEp, port: probe.port, protocol: probe.protocol }).ingress.allowed);
  if (blocked) add('blocked source', blocked, targetEp, probe.port, probe.protocol);
  else notes.push(l10n.t('every pod in the given files may reach {0} on {1}: no blocked source to try', podTitle(target), `${probe.port}/${probe.protocol}`));
}

function rulePathOf(dir: 'ingress' | 'egress', rule: CompiledRule): string {
  return `spec.${dir}[${rule.index}]`;
}

function egressChecks(world: World, policy: CompiledPolicy, target: PodInfo, pods: readonly PodInfo[], dnsTarget: PodInfo, dnsAssumed: boolean, add: Add, notes: string[]): void {
  if (execTarget(target) === undefined) {
    notes.push(l10n.t('{0} cannot be entered with kubectl exec: run the checks from one of its pods', podTitle(target)));
    return;
  }
  const others = pods.filter((p) => p !== target);
  const local = podWorld(world, target);
  // An allowed destination: the first one an egress rule allows (pods first, then addresses).
  for (const rule of policy.egress) {
    const candidates: Endpoint[] = [
      ...others.filter((d) => !rule.peers || rule.peers.some((p) => peerMatches(world, policy, p, { kind: 'pod', pod: d }))).map((pod): Endpoint => ({ kind: 'pod', pod })),
      ...addressesIn(rule),
    ];
    let done = false;
    for (const dest of candidates) {
      const port = portFor(rule, dest, defaultPort(dest));
      if (!port) continue;
      if (!evaluate(local, { from: { kind: 'pod', pod: target }, to: dest, port: port.port, protocol: port.protocol }).egress.allowed) continue;
      add('allowed destination', target, dest, port.port, port.protocol);
      done = true;
      break;
    }
    if (done) break;
  }
  // A blocked destination: a pod its egress rules do not allow, else an outside address.
  const blockedPod = others.find((d) => {
    const dest: Endpoint = { kind: 'pod', pod: d };
    const p = defaultPort(dest);
    return !evaluate(local, { from: { kind: 'pod', pod: target }, to: dest, port: p.port, protocol: p.protocol }).egress.allowed;
  });
  const outside = ipEndpoint(OUTSIDE_PROBE);
  if (blockedPod) {
    const dest: Endpoint = { kind: 'pod', pod: blockedPod };
    const p = defaultPort(dest);
    add('blocked destination', target, dest, p.port, p.protocol);
  }
  if (!evaluate(local, { from: { kind: 'pod', pod: target }, to: outside, port: 443, protocol: 'TCP' }).egress.allowed) {
    add('blocked destination', target, outside, 443, 'TCP');
  }
  // DNS: egress isolation blocks it unless a rule allows port 53 to kube-dns.
  const dns = add('dns', target, { kind: 'pod', pod: dnsTarget }, 53, 'UDP');
  if (dnsAssumed) notes.push(l10n.t('DNS checks assume cluster DNS pods labelled {0} in kube-system, with no NetworkPolicy there; add their manifests for an exact answer', `${KUBE_DNS_LABEL}=${KUBE_DNS_VALUE}`));
  if (!dns.allowed) {
    notes.push(l10n.t('DNS from {0} is blocked: commands that use host names (curl http://some-name) fail with "Could not resolve host" before any connection is tried; use addresses, or allow UDP and TCP 53 to kube-dns', podTitle(target)));
  }
}

