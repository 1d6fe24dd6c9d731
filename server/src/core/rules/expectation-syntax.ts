/**
 * NP502 expectation-syntax: a `# netpol-lens expect:` comment that cannot be read as an assertion
 * (missing arrow, destination, port or outcome; a malformed endpoint, port or protocol). The span
 * is the part at fault; half-typed lines are reported once typing pauses, like every workspace
 * finding.
 */
import type { Rule } from './rule';
import { checkFileAssertions } from '../ide/expect/check';

export const expectationSyntax: Rule = {
  meta: { code: 'NP502', slug: 'expectation-syntax', severity: 'error', title: 'A connectivity assertion comment cannot be read', fixable: false, source: 'netpol-lens assertion format (README, docs/rules/NP502)' },
  scope: 'workspace',
  check() {},
  checkWorkspace(ctx) {
    if (ctx.text === undefined) return;
    for (const r of checkFileAssertions(ctx.world, ctx.file, ctx.text)) {
      if (r.status === 'error' && r.error?.kind === 'syntax') ctx.report({ span: r.error.span, message: r.error.message });
    }
  },
};
