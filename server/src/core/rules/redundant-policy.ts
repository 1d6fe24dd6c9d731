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
  /** The policies of `all` (one namespace's) with the same pod selector as `p`. */
  sameSelector(all: readonly CompiledPolicy[], p: CompiledPolicy): readonly CompiledPolicy[];
  rules(p: CompiledPolicy, dir: 'ingress' | 'egress'): ReadonlySet<string>;
}

/** Canonical forms, computed once per policy for one workspace pass. */
function memo(): Canon {
  const selectors = new Map<CompiledPolicy, string>();
  const rules = new Map<CompiledPolicy, { ingress: Set<string>; egress: Set<string> }>();
  const bySelector = new Map<readonly CompiledPolicy[], Map<string, CompiledPolicy[]>>();
  const canon: Canon = {
    selector(p) {
      let s = selectors.get(p);
      if (s === undefined) selectors.set(p, (s = canonSelector(p.podSelector)));
      return s;
    },
    sameSelector(all, p) {
      let m = bySelector.get(all);
      if (!m) {
        bySelector.set(all, (m = new Map()));
        for (const q of all) {
          const k = canon.selector(q);
          const list = m.get(k);
          if (list) list.push(q);
          else m.set(k, [q]);
        }
      }
      return m.get(canon.selector(p)) ?? [];
    },
    rules(p, dir) {
      let r = rules.get(p);
      if (!r) rules.set(p, (r = { ingress: new Set(p.ingress.map(canonRule)), egress: new Set(p.egress.map(canonRule)) }));
      return r[dir];
    },
  };
  return canon;
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
    const canon = memo();
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
        for (const r of p[dir]) {
          const key = canonRule(r);
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
