/**
 * NP501 expectation-fails: a connectivity assertion comment (`# netpol-lens expect: FROM ->
 * TO:PORT allowed|blocked|partially`) that the workspace's policies do not bear out. The message
 * is the `traffic` explanation of one connection that contradicts it, with links to the policies
 * that decide it; the fix flips the expectation to what the policies give, for when the new
 * behaviour is the right one. Semantics: core/ide/expect/check.ts, docs/rules/NP501.
 */
import type { Rule } from './rule';
import { checkFileAssertions } from '../ide/expect/check';
import { t } from '../l10n';

export const expectationFails: Rule = {
  meta: { code: 'NP501', slug: 'expectation-fails', severity: 'error', title: 'A connectivity assertion does not hold', fixable: true, source: 'cyclonus, Policy Assistant and np-guard connectivity tests; kubectl exec … curl checks after applying' },
  scope: 'workspace',
  check() {},
  checkWorkspace(ctx) {
    if (ctx.text === undefined) return;
    for (const r of checkFileAssertions(ctx.world, ctx.file, ctx.text)) {
      if (r.status !== 'fail' || !r.actual) continue;
      const a = r.assertion;
      const verdict = a.parts.verdict;
      ctx.report({
        span: a.body,
        message: r.message ?? '',
        related: r.related,
        ...(verdict ? { fix: { title: t('Change the expectation to "{0}"', r.actual), edits: [{ span: verdict, newText: r.actual }] } } : {}),
      });
    }
  },
};
