/**
 * NP308 cidr-host-bits: an ipBlock cidr or except entry with bits set after the prefix
 * (10.0.0.1/24). The API server accepts it and Kubernetes uses the network (10.0.0.0/24), but
 * the author may have meant the single address (10.0.0.1/32). The message mirrors the API
 * server's own warning text (apimachinery GetWarningsForCIDR); the fix writes the network form,
 * which is exactly what the policy already means.
 */
import type { Rule } from './rule';
import { formatAddress, formatCidr, parseCidr } from '../semantics/cidr';
import { cleanPolicy, nodeAt, peersOf, spanAt } from './util';
import { t, tPair, kubectlText } from '../l10n';

export const cidrHostBits: Rule = {
  meta: { code: 'NP308', slug: 'cidr-host-bits', severity: 'warning', title: 'CIDR with host bits set after the prefix', fixable: true, source: 'apimachinery GetWarningsForCIDR (API server warning)' },
  scope: 'policy',
  check(ctx) {
    if (!cleanPolicy(ctx)) return;
    for (const { peer, path } of peersOf(ctx)) {
      const b = peer.ipBlock;
      if (!b) continue;
      const items: [string | undefined, string][] = [[b.cidr, `${path}.ipBlock.cidr`], ...(b.except ?? []).map((e, i): [string, string] => [e, `${path}.ipBlock.except[${i}]`])];
      for (const [value, at] of items) {
        const c = value ? parseCidr(value) : undefined;
        if (!value || !c || !c.hostBitsSet) continue;
        const network = formatCidr(c);
        const single = `${formatAddress(c.ip)}/${c.family === 4 ? 32 : 128}`;
        const span = spanAt(ctx, at);
        const node = nodeAt(ctx.doc.node, at, true);
        const quoted = node?.kind === 'scalar' && node.style !== 'plain';
        const newText = quoted || network.includes(':') ? JSON.stringify(network) : network;
        ctx.report({
          path: at,
          span,
          message: t('{0}: Kubernetes uses the network {1}; for the single address write {2}', kubectlText(tPair('CIDR value {0} is ambiguous in this context (should be {1} or {2}?)', JSON.stringify(value), JSON.stringify(network), JSON.stringify(single))), network, single),
          fix: node?.kind === 'scalar' && (node.style === 'plain' || node.style === 'quoted') ? { title: t('Normalise to the network {0}', network), edits: [{ span, newText }] } : undefined,
        });
      }
    }
  },
};
