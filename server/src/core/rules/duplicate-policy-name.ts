/**
 * NP405 duplicate-policy-name: two NetworkPolicies of the workspace with the same namespace and
 * name. In the cluster they are one object: applying both leaves only the last one applied
 * (kubectl apply replaces the first's rules), so one of them silently never takes effect.
 * Policies without metadata.namespace are taken to be in "default", as elsewhere.
 */
import type { Rule } from './rule';
import type { CompiledPolicy } from '../semantics/compile';
import { fileSpanAt } from './util';
import { LineIndex } from '../text';
import { t } from '../l10n';

function shortFile(file: string): string {
  return file.slice(Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\')) + 1);
}

/** How many other places the message names (a file of thousands of copies must not make it quadratic). */
const MAX_PLACES = 5;

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
      const list = byName.get(key);
      if (list) list.push(c);
      else byName.set(key, [c]);
    }
    let lines: LineIndex | undefined;
    const lineOf = (offset: number): number | string => (ctx.text === undefined ? '?' : (lines ??= new LineIndex(ctx.text)).positionAt(offset).line + 1);
    for (const fp of ctx.policies) {
      const c = fp.compiled;
      const name = c?.value.metadata?.name;
      if (!c || !name) continue;
      const all = byName.get(`${c.ref.namespace}/${name}`) ?? [];
      if (all.length < 2) continue;
      const places = new Set<string>();
      let more = 0;
      for (const o of all) {
        if (o === c) continue;
        if (places.size >= MAX_PLACES) {
          more++;
          continue;
        }
        places.add(o.ref.file === ctx.file ? t('line {0} of this file', lineOf(o.ref.span.start)) : shortFile(o.ref.file));
      }
      const where = [...places];
      if (more) where.push(t('{0} more', more));
      ctx.report({
        path: 'metadata.name',
        span: fileSpanAt(ctx, fp.analyzed, 'metadata.name'),
        message: t("another NetworkPolicy {0} is defined ({1}): in the cluster they are one object, so applying both keeps only the last one applied and the other's rules never take effect. Rename one of them", `${c.ref.namespace}/${name}`, where.join(', ')),
      });
    }
  },
};
