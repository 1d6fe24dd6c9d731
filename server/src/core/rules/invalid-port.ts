/**
 * NP205 invalid-port: a numeric port must be 1-65535; a named port must be an IANA service name
 * (at most 15 characters of a-z, 0-9 and '-', at least one letter, no '--', no '-' at either
 * end). A quoted number such as "80" is a name, and fails "must contain at least one letter":
 * the fix unquotes it. Mirrors ValidateNetworkPolicyPort.
 */
import type { Rule } from './rule';
import { invalid } from '../k8s/fieldErrors';
import { isValidPortName, isValidPortNum } from '../k8s/names';
import { portsOf, spanAt } from './util';
import { t } from '../l10n';

export const invalidPort: Rule = {
  meta: { code: 'NP205', slug: 'invalid-port', severity: 'error', title: 'Port number out of range or invalid port name', fixable: true, source: 'ValidateNetworkPolicyPort (IsValidPortNum, IsValidPortName)' },
  scope: 'policy',
  check(ctx) {
    for (const { port, path } of portsOf(ctx)) {
      const at = `${path}.port`;
      if (typeof port.port === 'number') {
        for (const msg of isValidPortNum(port.port)) ctx.report({ path: at, span: spanAt(ctx, at), message: invalid(port.port, msg) });
      } else if (typeof port.port === 'string') {
        const name = port.port;
        const span = spanAt(ctx, at);
        const numeric = /^[0-9]+$/.test(name) && Number(name) >= 1 && Number(name) <= 65535;
        for (const msg of isValidPortName(name)) {
          ctx.report({
            path: at,
            span,
            message: invalid(name, msg) + (numeric && msg.en.includes('at least one letter') ? t(' (a quoted number is a port name; write {0} without quotes)', Number(name)) : ''),
            fix: numeric && msg.en.includes('at least one letter') ? { title: t('Unquote the port: {0}', Number(name)), edits: [{ span, newText: String(Number(name)) }] } : undefined,
          });
        }
      }
    }
  },
};
