/**
 * NP206 unsupported-protocol: protocol must be exactly TCP, UDP or SCTP (case-sensitive; `tcp`
 * is rejected). When absent it defaults to TCP. Mirrors ValidateNetworkPolicyPort.
 */
import type { Rule } from './rule';
import { notSupported } from '../k8s/fieldErrors';
import { portsOf, spanAt } from './util';
import { t } from '../l10n';

const SUPPORTED = ['TCP', 'UDP', 'SCTP'];

export const unsupportedProtocol: Rule = {
  meta: { code: 'NP206', slug: 'unsupported-protocol', severity: 'error', title: 'Protocol other than TCP, UDP or SCTP', fixable: true, source: 'ValidateNetworkPolicyPort' },
  scope: 'policy',
  check(ctx) {
    for (const { port, path } of portsOf(ctx)) {
      const p = port.protocol;
      if (p === undefined || SUPPORTED.includes(p)) continue;
      const at = `${path}.protocol`;
      const span = spanAt(ctx, at);
      const upper = p.toUpperCase();
      ctx.report({
        path: at,
        span,
        message: notSupported(p, SUPPORTED),
        fix: SUPPORTED.includes(upper) ? { title: t('Change the protocol to {0}', upper), edits: [{ span, newText: upper }] } : undefined,
      });
    }
  },
};
