/**
 * NP207 peer-required: each element of from/to must set podSelector, namespaceSelector or
 * ipBlock. `from: [{}]` is rejected (unlike `ingress: [{}]`, which allows everything, and
 * `from: []`, which means every source). Mirrors ValidateNetworkPolicyPeer.
 */
import type { Rule } from './rule';
import { required } from '../k8s/fieldErrors';
import { peersOf, spanAt } from './util';
import { tPair } from '../l10n';

export const peerRequired: Rule = {
  meta: { code: 'NP207', slug: 'peer-required', severity: 'error', title: 'Peer with no podSelector, namespaceSelector or ipBlock', fixable: false, source: 'ValidateNetworkPolicyPeer' },
  scope: 'policy',
  check(ctx) {
    for (const { peer, path } of peersOf(ctx)) {
      if (peer.podSelector || peer.namespaceSelector || peer.ipBlock) continue;
      ctx.report({ path, span: spanAt(ctx, path, 'head'), message: required(tPair('must specify a peer')) });
    }
  },
};
