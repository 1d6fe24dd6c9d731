/**
 * NP204 invalid-end-port: endPort makes a port range and is only valid with a numeric port:
 * it must be at least port and within 1-65535; with a named port or no port the API server
 * rejects it. Mirrors ValidateNetworkPolicyPort.
 */
import type { Rule } from './rule';
import { invalid } from '../k8s/fieldErrors';
import { isValidPortNum } from '../k8s/names';
import { portsOf, spanAt } from './util';
import { tPair } from '../l10n';

export const invalidEndPort: Rule = {
  meta: { code: 'NP204', slug: 'invalid-end-port', severity: 'error', title: 'endPort without a numeric port, below port, or out of range', fixable: false, source: 'ValidateNetworkPolicyPort' },
  scope: 'policy',
  check(ctx) {
    for (const { port, path } of portsOf(ctx)) {
      if (port.endPort === undefined) continue;
      const at = `${path}.endPort`;
      const span = spanAt(ctx, at);
      const end = port.endPort;
      if (typeof port.port === 'number') {
        if (end < port.port) ctx.report({ path: at, span, message: invalid(end, tPair('must be greater than or equal to `port`')) });
        for (const msg of isValidPortNum(end)) ctx.report({ path: at, span, message: invalid(end, msg) });
      } else if (typeof port.port === 'string') {
        ctx.report({ path: at, span, message: invalid(end, tPair('may not be specified when `port` is non-numeric')) });
      } else {
        ctx.report({ path: at, span, message: invalid(end, tPair('may not be specified when `port` is not specified')) });
      }
    }
  },
};
