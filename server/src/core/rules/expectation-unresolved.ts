/**
 * NP503 expectation-unresolved: a connectivity assertion whose endpoint or port names nothing in
 * the workspace (no such Pod or workload, a selection that matches no pod, a container port name
 * the destination does not have). Such an assertion is an error, never a vacuous pass.
 */
import type { Rule } from './rule';
import { checkFileAssertions } from '../ide/expect/check';

export const expectationUnresolved: Rule = {
  meta: { code: 'NP503', slug: 'expectation-unresolved', severity: 'error', title: 'A connectivity assertion names an endpoint or port the workspace does not have', fixable: false, source: 'netpol-lens traffic endpoint resolution' },
  scope: 'workspace',
  check() {},
  checkWorkspace(ctx) {
    if (ctx.text === undefined) return;
    for (const r of checkFileAssertions(ctx.world, ctx.file, ctx.text)) {
      if (r.status === 'error' && r.error?.kind === 'unresolved') ctx.report({ span: r.error.span, message: r.error.message });
    }
  },
};
