/**
 * NP200 invalid-name: metadata.name is required (or generateName, for kubectl create) and must
 * be a lowercase RFC 1123 subdomain of at most 253 bytes. Mirrors ValidateObjectMeta with
 * ValidateNetworkPolicyName (NameIsDNSSubdomain); with generateName and no name, the server first
 * generates the name (prefix cut to 58 bytes, plus five random characters) and validates that.
 */
import type { Rule } from './rule';
import { invalid, required } from '../k8s/fieldErrors';
import { nameIsDNSSubdomain } from '../k8s/names';
import { spanAt } from './util';
import { tPair } from '../l10n';

export const invalidName: Rule = {
  meta: { code: 'NP200', slug: 'invalid-name', severity: 'error', title: 'Missing or invalid metadata.name', fixable: false, source: 'ValidateObjectMeta + NameIsDNSSubdomain' },
  scope: 'policy',
  check(ctx) {
    const meta = ctx.doc.decoded?.value.metadata ?? {};
    if (meta.generateName) {
      for (const msg of nameIsDNSSubdomain(meta.generateName, true)) {
        ctx.report({ path: 'metadata.generateName', span: spanAt(ctx, 'metadata.generateName'), message: invalid(meta.generateName, msg) });
      }
    }
    if (!meta.name) {
      if (!meta.generateName) {
        ctx.report({ path: 'metadata.name', span: spanAt(ctx, 'metadata.name'), message: required(tPair('name or generateName is required')) });
        return;
      }
      // names.SimpleNameGenerator; the random suffix (lowercase letters and digits) is shown as xxxxx.
      const generated = `${meta.generateName.slice(0, 58)}xxxxx`;
      for (const msg of nameIsDNSSubdomain(generated, false)) {
        ctx.report({ path: 'metadata.name', span: spanAt(ctx, 'metadata.generateName'), message: invalid(generated, msg) });
      }
      return;
    }
    for (const msg of nameIsDNSSubdomain(meta.name, false)) {
      ctx.report({ path: 'metadata.name', span: spanAt(ctx, 'metadata.name'), message: invalid(meta.name, msg) });
    }
  },
};
