/**
 * NP208 ipblock-with-selector: a peer with ipBlock may not also have podSelector or
 * namespaceSelector (podSelector with namespaceSelector is fine: they are ANDed). To allow both,
 * write two peers. Mirrors ValidateNetworkPolicyPeer.
 */
import type { Rule } from './rule';
import { forbidden } from '../k8s/fieldErrors';
import { peersOf, spanAt } from './util';
import { tPair } from '../l10n';

export const ipblockWithSelector: Rule = {
  meta: { code: 'NP208', slug: 'ipblock-with-selector', severity: 'error', title: 'ipBlock combined with a selector in one peer', fixable: false, source: 'ValidateNetworkPolicyPeer' },
  scope: 'policy',
  check(ctx) {
    for (const { peer, path } of peersOf(ctx)) {
      if (!peer.ipBlock || (!peer.podSelector && !peer.namespaceSelector)) continue;
      ctx.report({ path, span: spanAt(ctx, `${path}.ipBlock`, 'key'), message: forbidden(tPair('may not specify both ipBlock and another peer')) });
    }
  },
};
