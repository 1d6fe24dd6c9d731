/**
 * NP209 invalid-cidr: ipBlock.cidr is required and, like each except entry, must be a CIDR
 * (address/prefix). A bare IP (203.0.113.5) or a host name (external-api.com) is rejected:
 * NetworkPolicy cannot match domain names. Mirrors ValidateIPBlock with the
 * StrictIPCIDRValidation gate off (its default): leading zeros and host bits are accepted.
 */
import type { Rule } from './rule';
import { invalid, required } from '../k8s/fieldErrors';
import { Cidr, isStrictSubset, parseCidr, parseIPSloppy } from '../semantics/cidr';
import { peersOf, spanAt } from './util';
import { t, tPair } from '../l10n';


export const invalidCidr: Rule = {
  meta: { code: 'NP209', slug: 'invalid-cidr', severity: 'error', title: 'ipBlock cidr missing or not a CIDR', fixable: true, source: 'ValidateIPBlock (IsValidCIDRForLegacyField)' },
  scope: 'policy',
  check(ctx) {
    for (const { peer, path } of peersOf(ctx)) {
      const ipb = peer.ipBlock;
      if (!ipb) continue;
      const p = `${path}.ipBlock`;
      if (!ipb.cidr) {
        ctx.report({ path: `${p}.cidr`, span: spanAt(ctx, `${p}.cidr`, 'key'), message: required() });
        continue;
      }
      const outer = parseCidr(ipb.cidr);
      if (!outer) report(ctx, `${p}.cidr`, ipb.cidr);
      else (ipb.except ?? []).forEach((e, i) => { if (!parseCidr(e)) report(ctx, `${p}.except[${i}]`, e, outer); });
    }
  },
};

/**
 * `outer`: for an except entry, the block's cidr. The single-address fix is offered only where its
 * result is valid: for an except entry, inside the cidr and strictly smaller (else NP210 follows).
 */
function report(ctx: Parameters<Rule['check']>[0], path: string, value: string, outer?: Cidr): void {
  const span = spanAt(ctx, path);
  const ip = parseIPSloppy(value.trim());
  let hint = '';
  let fix;
  if (ip) {
    const single = `${value.trim()}/${ip.family === 4 ? 32 : 128}`;
    hint = t(' (a single address is written {0})', single);
    const result = parseCidr(single);
    if (result && (!outer || isStrictSubset(outer, result))) fix = { title: t('Use {0}', single), edits: [{ span, newText: single }] };
  } else if (/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/i.test(value) && /[a-z]/i.test(value)) {
    hint = t(' (NetworkPolicy cannot match host names: use the address range the name resolves to)');
  }
  ctx.report({ path, span, message: invalid(value, tPair('must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)')) + hint, fix });
}
