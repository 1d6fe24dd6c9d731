/**
 * NP210 except-not-subset: every ipBlock.except entry must lie inside cidr and be strictly
 * smaller (an except equal to cidr, outside it, or of the other IP family is rejected; like Go,
 * an IPv4-mapped IPv6 address is compared as IPv4). Mirrors ValidateIPBlock.
 */
import type { Rule } from './rule';
import { invalid } from '../k8s/fieldErrors';
import { isStrictSubset, parseCidr } from '../semantics/cidr';
import { peersOf, spanAt } from './util';
import { tPair } from '../l10n';

export const exceptNotSubset: Rule = {
  meta: { code: 'NP210', slug: 'except-not-subset', severity: 'error', title: 'ipBlock except not a strict subset of cidr', fixable: false, source: 'ValidateIPBlock' },
  scope: 'policy',
  check(ctx) {
    for (const { peer, path } of peersOf(ctx)) {
      const ipb = peer.ipBlock;
      const outer = ipb?.cidr ? parseCidr(ipb.cidr) : undefined;
      if (!ipb || !outer) continue;
      (ipb.except ?? []).forEach((e, i) => {
        const inner = parseCidr(e);
        if (!inner || isStrictSubset(outer, inner)) return;
        const at = `${path}.ipBlock.except[${i}]`;
        ctx.report({ path: at, span: spanAt(ctx, at), message: invalid(e, tPair('must be a strict subset of `cidr`')) });
      });
    }
  },
};
