/**
 * NP403 redundant-policy: a policy that adds nothing given another one: same namespace, same pod
 * selector, the other isolates the same directions and already has every one of its rules (an
 * exact duplicate is the usual case). Policies only add allowances, so deleting it changes
 * nothing while the other stays. Also a rule repeated inside one policy. Deliberately
 * conservative: rules are compared as written (after the API defaults, ignoring order inside
 * peers and ports), not by what traffic they allow.
 */
import type { Rule } from './rule';
import type { LabelSelector } from '../model/types';
import type { CompiledPeer, CompiledPolicy, CompiledRule } from '../semantics/compile';
import type { World } from '../semantics/evaluate';
import { formatCidr } from '../semantics/cidr';
import { fileSpanAt } from './util';
import { t } from '../l10n';

function canonSelector(sel: LabelSelector | undefined): string {
  if (!sel) return '-';
  const labels = Object.entries(sel.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  const exprs = (sel.matchExpressions ?? []).map((r) => `${r?.key ?? ''} ${r?.operator ?? ''} ${[...new Set(r?.values ?? [])].sort().join(',')}`);
  return JSON.stringify([...new Set([...labels, ...exprs])].sort());
}

function canonPeer(p: CompiledPeer): string {
  if (p.ipBlock) return `ip ${formatCidr(p.ipBlock.cidr)} except ${[...new Set(p.ipBlock.except.map((e) => formatCidr(e.cidr)))].sort().join(',')}`;
  return `sel ${p.namespaceSelector ? canonSelector(p.namespaceSelector) : '-'} ${canonSelector(p.podSelector ?? {})}`;
}

export function canonRule(r: CompiledRule): string {
  const peers = r.peers ? [...new Set(r.peers.map(canonPeer))].sort().join(' | ') : '*';
  const ports = r.ports ? [...new Set(r.ports.map((p) => `${p.protocol}/${p.port ?? '*'}-${p.endPort ?? ''}`))].sort().join(' | ') : '*';
  return `${peers} :: ${ports}`;
}

function shortFile(file: string): string {
  return file.slice(Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\')) + 1);
}

interface Canon {
  selector(p: CompiledPolicy): string;
  /** The policies of `all` (the namespace's, in the World) with the same pod selector as `p`. */
  sameSelector(all: readonly CompiledPolicy[], p: CompiledPolicy): readonly CompiledPolicy[];
  rules(p: CompiledPolicy, dir: 'ingress' | 'egress'): ReadonlySet<string>;
}

/** Canonical forms per compiled policy (immutable objects, shared by the Worlds rebuilt after edits). */
const SELECTORS = new WeakMap<CompiledPolicy, string>();
const RULE_SETS = new WeakMap<CompiledPolicy, { ingress: Set<string>; egress: Set<string> }>();
const RULE_LISTS = new WeakMap<CompiledPolicy, { readonly ingress: readonly string[]; readonly egress: readonly string[] }>();

/** The canonical form of each rule of `p`, in order. */
function canonRules(p: CompiledPolicy, dir: 'ingress' | 'egress'): readonly string[] {
  let r = RULE_LISTS.get(p);
  if (!r) RULE_LISTS.set(p, (r = { ingress: p.ingress.map(canonRule), egress: p.egress.map(canonRule) }));
  return r[dir];
}

function selectorOf(p: CompiledPolicy): string {
  let s = SELECTORS.get(p);
  if (s === undefined) SELECTORS.set(p, (s = canonSelector(p.podSelector)));
  return s;
}

/**
 * The namespace's policies grouped by pod selector, per World: the rule runs on a few policies
 * at a time (the server's steps), and every step must not group the namespace again.
 */
const GROUPS = new WeakMap<World, Map<string, Map<string, CompiledPolicy[]>>>();

function memo(world: World): Canon {
  let byNamespace = GROUPS.get(world);
  if (!byNamespace) GROUPS.set(world, (byNamespace = new Map()));
  const groups = byNamespace;
  return {
    selector: selectorOf,
    sameSelector(all, p) {
      let m = groups.get(p.ref.namespace);
      if (!m) {
        groups.set(p.ref.namespace, (m = new Map()));
        for (const q of all) {
          const k = selectorOf(q);
          const list = m.get(k);
          if (list) list.push(q);
          else m.set(k, [q]);
        }
      }
      return m.get(selectorOf(p)) ?? [];
    },
    rules(p, dir) {
      let r = RULE_SETS.get(p);
      if (!r) RULE_SETS.set(p, (r = { ingress: new Set(canonRules(p, 'ingress')), egress: new Set(canonRules(p, 'egress')) }));
      return r[dir];
    },
  };
}

/** Whether `p` adds nothing that `q` (of the same namespace) does not already give. */
function coveredBy(p: CompiledPolicy, q: CompiledPolicy, canon: Canon): boolean {
  if (canon.selector(p) !== canon.selector(q)) return false;
  for (const dir of ['ingress', 'egress'] as const) {
    const isolates = dir === 'ingress' ? p.isolatesIngress : p.isolatesEgress;
    if (!isolates) continue;
    if (!(dir === 'ingress' ? q.isolatesIngress : q.isolatesEgress)) return false;
    const have = canon.rules(q, dir);
    for (const r of canon.rules(p, dir)) if (!have.has(r)) return false;
  }
  return true;
}

export const redundantPolicy: Rule = {
  meta: { code: 'NP403', slug: 'redundant-policy', severity: 'info', title: 'Policy or rule that adds nothing given the others', fixable: false, source: 'NCA (Network Config Analyzer) redundancy checks, restricted to exact duplicates' },
  scope: 'workspace',
  check() {},
  checkWorkspace(ctx) {
    const canon = memo(ctx.world);
    for (const fp of ctx.policies) {
      const p = fp.compiled;
      if (!p) continue;
      const q = canon.sameSelector(ctx.lookups.policiesIn(p.ref.namespace), p).find((o) => o !== p && coveredBy(p, o, canon));
      if (q) {
        const same = coveredBy(q, p, canon);
        const where = q.ref.file === p.ref.file ? t('in this file') : t('in {0}', shortFile(q.ref.file));
        // The surprising case: an egress policy that isolates Ingress too, because policyTypes defaults to it.
        const implicit = p.isolatesIngress && !q.policyTypesWritten && q.ingress.length === 0 && q.egress.length > 0 ? t(' ({0} writes no policyTypes, so it isolates Ingress by default, with no ingress rule: it already blocks all ingress to these pods)', q.ref.name) : '';
        const dirs = [p.isolatesIngress ? 'Ingress' : '', p.isolatesEgress ? 'Egress' : ''].filter(Boolean).join(' and ');
        const rules = (p.isolatesIngress ? p.ingress.length : 0) + (p.isolatesEgress ? p.egress.length : 0);
        const how = same ? t('is identical to it') : rules ? t('selects the same pods, isolates {0} too, and already has every one of its rules', dirs) : t('selects the same pods, isolates {0} too, and this policy has no rule to add', dirs);
        ctx.report({
          span: fileSpanAt(ctx, fp.analyzed, 'metadata.name'),
          message: t(same ? 'this policy adds nothing: {0} ({1}) {2}{3}. Policies only add allowances, so deleting one of them changes no traffic' : 'this policy adds nothing: {0} ({1}) {2}{3}. Policies only add allowances, so deleting this one changes no traffic', `${q.ref.namespace}/${q.ref.name}`, where, how, implicit),
        });
      }
      for (const dir of ['ingress', 'egress'] as const) {
        const seen = new Map<string, number>();
        const keys = canonRules(p, dir);
        for (const [i, r] of p[dir].entries()) {
          const key = keys[i];
          const first = seen.get(key);
          if (first === undefined) {
            seen.set(key, r.index);
            continue;
          }
          const path = `spec.${dir}[${r.index}]`;
          ctx.report({ path, span: fileSpanAt(ctx, fp.analyzed, path, 'head'), message: t('this rule repeats {0}, so it adds nothing; delete it', `spec.${dir}[${first}]`) });
        }
      }
    }
  },
};
