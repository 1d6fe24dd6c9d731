/**
 * NP202 invalid-metadata: the rest of ValidateObjectMeta: the policy object's own labels and
 * annotations (keys, values, 256 KiB total), finalizers, ownerReferences and managedFields.
 * Rare in hand-written files, common in pasted `kubectl get -o yaml` output. Not checked, because
 * the server never validates what the file says there: generation (create sets it to 1, update
 * keeps the stored one) and a managedFields entry's operation or fieldsType (an entry the field
 * manager cannot decode makes it drop all of the file's managedFields before validation).
 */
import type { Rule } from './rule';
import { invalid, invalidRendered, tooLong } from '../k8s/fieldErrors';
import { byteLength, isQualifiedName, isValidLabelValue } from '../k8s/names';
import { spanAt } from './util';
import { tPair } from '../l10n';

/** Finalizer names allowed without a domain prefix (pkg/apis/core/helper IsStandardFinalizerName). */
const STANDARD_FINALIZERS = ['kubernetes', 'orphan', 'foregroundDeletion'];

export const invalidMetadata: Rule = {
  meta: { code: 'NP202', slug: 'invalid-metadata', severity: 'error', title: 'Invalid labels, annotations or other metadata of the policy object', fixable: false, source: 'ValidateObjectMeta (labels, annotations, finalizers, ownerReferences, managedFields)' },
  scope: 'policy',
  check(ctx) {
    const meta = ctx.doc.decoded?.value.metadata;
    if (!meta) return;
    for (const [k, v] of Object.entries(meta.labels ?? {})) {
      for (const msg of isQualifiedName(k)) ctx.report({ path: 'metadata.labels', span: spanAt(ctx, `metadata.labels[${k}]`, 'key'), message: invalid(k, msg) });
      for (const msg of isValidLabelValue(v)) ctx.report({ path: 'metadata.labels', span: spanAt(ctx, `metadata.labels[${k}]`), message: invalid(v, msg) });
    }
    let total = 0;
    for (const [k, v] of Object.entries(meta.annotations ?? {})) {
      total += byteLength(k) + byteLength(v);
      for (const msg of isQualifiedName(k.toLowerCase())) ctx.report({ path: 'metadata.annotations', span: spanAt(ctx, `metadata.annotations[${k}]`, 'key'), message: invalid(k, msg) });
    }
    if (total > 256 * 1024) ctx.report({ path: 'metadata.annotations', span: spanAt(ctx, 'metadata.annotations', 'key'), message: tooLong(256 * 1024) });
    const finalizers = meta.finalizers ?? [];
    finalizers.forEach((f, i) => {
      const span = spanAt(ctx, `metadata.finalizers[${i}]`);
      for (const msg of isQualifiedName(f)) ctx.report({ path: 'metadata.finalizers', span, message: invalid(f, msg) });
      // pkg/apis/core/validation's validateKubeFinalizerName: a name without '/' must be a standard one.
      if (!f.includes('/') && !STANDARD_FINALIZERS.includes(f)) {
        ctx.report({ path: `metadata.finalizers[${i}]`, span, message: invalid(f, tPair('name is neither a standard finalizer name nor is it fully qualified')) });
      }
    });
    if (finalizers.includes('orphan') && finalizers.includes('foregroundDeletion')) {
      ctx.report({ path: 'metadata.finalizers', span: spanAt(ctx, 'metadata.finalizers', 'key'), message: invalidRendered(goSlice(finalizers), tPair('finalizer orphan and foregroundDeletion cannot be both set')) });
    }
    let controller = '';
    (meta.ownerReferences ?? []).forEach((ref, i) => {
      const p = 'metadata.ownerReferences';
      const at = spanAt(ctx, `${p}[${i}]`, 'head');
      const [, version] = splitApiVersion(ref.apiVersion ?? '');
      if (!version) ctx.report({ path: `${p}.apiVersion`, span: at, message: invalid(ref.apiVersion ?? '', tPair('version must not be empty')) });
      if (!ref.kind) ctx.report({ path: `${p}.kind`, span: at, message: invalid('', tPair('kind must not be empty')) });
      if (!ref.name) ctx.report({ path: `${p}.name`, span: at, message: invalid('', tPair('name must not be empty')) });
      if (!ref.uid) ctx.report({ path: `${p}.uid`, span: at, message: invalid('', tPair('uid must not be empty')) });
      if (ref.controller) {
        const cur = `${ref.kind ?? ''}/${ref.name ?? ''}`;
        if (controller) ctx.report({ path: p, span: at, message: invalidRendered('[]v1.OwnerReference{...}', tPair('Only one reference can have Controller set to true. Found "true" in references for {0} and {1}', controller, cur)) });
        else controller = cur;
      }
    });
    // The field manager keeps the file's managedFields only when it can decode every entry;
    // otherwise it replaces them all before validation runs, and nothing in them is reported.
    const managed = meta.managedFields ?? [];
    const decodable = managed.every((mf) => (mf.operation === 'Apply' || mf.operation === 'Update') && mf.fieldsType === 'FieldsV1' && !!(mf as { apiVersion?: string }).apiVersion);
    if (decodable) managed.forEach((mf, i) => {
      const p = `metadata.managedFields[${i}]`;
      if (mf.manager && byteLength(mf.manager) > 128) ctx.report({ path: `${p}.manager`, span: spanAt(ctx, `${p}.manager`), message: tooLong(128) });
      if (mf.subresource && byteLength(mf.subresource) > 256) ctx.report({ path: `${p}.subresource`, span: spanAt(ctx, `${p}.subresource`), message: tooLong(256) });
    });
  },
};

/** schema.ParseGroupVersion: group and version; more than one '/' does not parse (no version). */
function splitApiVersion(v: string): [string, string] {
  const i = v.indexOf('/');
  if (i < 0) return ['', v];
  if (v.indexOf('/', i + 1) >= 0) return ['', ''];
  return [v.slice(0, i), v.slice(i + 1)];
}

function goSlice(values: readonly string[]): string {
  return `[]string{${values.map((v) => JSON.stringify(v)).join(', ')}}`;
}
