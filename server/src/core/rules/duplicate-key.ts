/**
 * NP002 duplicate-key: the same key twice in one mapping. Lenient loaders, kubectl among them,
 * keep the last one and silently drop the first (a second `ports:` erases the first); strict
 * decoding rejects it.
 */
import type { Rule } from './rule';
import type { Span } from '../text';
import { t } from '../l10n';

/**
 * The YAML parser points at the first character of the repeated key; widen that to the whole key
 * as written (a plain key up to its `:`, a quoted key up to its closing quote) so the squiggle and
 * the message name the key, not its first letter.
 */
function keySpan(text: string, at: Span): { span: Span; key: string } {
  const start = at.start;
  const q = text[start];
  if (q === '"' || q === "'") {
    for (let i = start + 1; i < text.length && text[i] !== '\n'; i++) {
      if (q === '"' && text[i] === '\\') {
        i++;
        continue;
      }
      if (text[i] !== q) continue;
      if (q === "'" && text[i + 1] === "'") {
        i++;
        continue;
      }
      return { span: { start, end: i + 1 }, key: text.slice(start + 1, i) };
    }
    return { span: at, key: text.slice(at.start, at.end) };
  }
  let end = start;
  while (end < text.length && !/[\r\n]/.test(text[end]) && !(text[end] === ':' && /^(?:[\s,\]}]|$)/.test(text[end + 1] ?? ''))) end++;
  while (end > start && /\s/.test(text[end - 1])) end--;
  if (end <= start) return { span: at, key: text.slice(at.start, at.end) };
  return { span: { start, end }, key: text.slice(start, end) };
}

export const duplicateKey: Rule = {
  meta: { code: 'NP002', slug: 'duplicate-key', severity: 'error', title: 'Duplicate key in a mapping', fixable: false, source: 'YAML: mapping keys must be unique (kubectl keeps the last; strict decoders such as fieldValidation=Strict on a YAML body or kubeconform -strict reject it)' },
  scope: 'yaml',
  check(ctx) {
    for (const p of ctx.doc.yaml.problems) {
      if (p.kind !== 'duplicate-key') continue;
      const { span, key } = keySpan(ctx.text, p.span);
      ctx.report({ span, message: t('duplicate key {0}: kubectl keeps only the last value and silently drops the others; strict YAML decoding rejects the document', JSON.stringify(key)) });
    }
  },
};
