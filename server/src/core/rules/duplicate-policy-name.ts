/**
 * NP405 duplicate-policy-name: two NetworkPolicies of the workspace with the same namespace and
 * name. In the cluster they are one object: applying both leaves only the last one applied
 * (kubectl apply replaces the first's rules), so one of them silently never takes effect.
 * Policies without metadata.namespace are taken to be in "default", as elsewhere.
 */
import type { Rule } from './rule';
import type { CompiledPolicy } from '../semantics/compile';
import { fileSpanAt } from './util';
import { t } from '../l10n';

function shortFile(file: string): string {
  return file.slice(Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\')) + 1);
}

function lineOf(text: string | undefined, offset: number): number | undefined {
  if (text === undefined) return undefined;
  let n = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

export const duplicatePolicyName: Rule = {
  meta: { code: 'NP405', slug: 'duplicate-policy-name', severity: 'warning', title: 'Two policies with the same namespace and name', fixable: false, source: 'Kubernetes object identity (namespace/name); kubectl apply' },
  scope: 'workspace',
  check() {},
  checkWorkspace(ctx) {
    const byName = new Map<string, CompiledPolicy[]>();
    for (const c of ctx.world.policies) {
      const name = c.value.metadata?.name;
      if (!name) continue;
      const key = `${c.ref.namespace}/${name}`;
      byName.set(key, [...(byName.get(key) ?? []), c]);
    }
    for (const fp of ctx.policies) {
      const c = fp.compiled;
      const name = c?.value.metadata?.name;
      if (!c || !name) continue;
      const others = (byName.get(`${c.ref.namespace}/${name}`) ?? []).filter((o) => o !== c);
      if (!others.length) continue;
      const where = others.map((o) => (o.ref.file === ctx.file ? t('line {0} of this file', lineOf(ctx.text, o.ref.span.start) ?? '?') : shortFile(o.ref.file)));
      ctx.report({
        path: 'metadata.name',
        span: fileSpanAt(ctx, fp.analyzed, 'metadata.name'),
        message: t("another NetworkPolicy {0} is defined ({1}): in the cluster they are one object, so applying both keeps only the last one applied and the other's rules never take effect. Rename one of them", `${c.ref.namespace}/${name}`, [...new Set(where)].join(', ')),
      });
    }
  },
};
