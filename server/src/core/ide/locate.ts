/** Finds what is under the cursor: which policy object, and the deepest field path there. */
import type { AnalyzedPolicy } from '../model/analyzed';
import type { Span } from '../text';

export interface Located {
  readonly policy: AnalyzedPolicy;
  readonly index: number;
  /** Deepest field path whose key or value contains the offset ('' for the object itself). */
  readonly path: string;
  /** The key or value under the cursor, as a file offset span. */
  readonly span: Span;
}

function contains(s: Span, offset: number): boolean {
  return offset >= s.start && offset <= s.end;
}

export function locate(policies: readonly AnalyzedPolicy[], fileOffset: number): Located | undefined {
  const index = policies.findIndex((p) => contains(p.doc.node.span, fileOffset - p.base));
  if (index < 0) return undefined;
  const policy = policies[index];
  const offset = fileOffset - policy.base;
  let best = '';
  let bestSpan: Span = policy.doc.node.span;
  let bestSize = Infinity;
  for (const [path, s] of policy.decoded?.spans ?? []) {
    if (!path) continue;
    for (const candidate of [s.key, s.value]) {
      if (!candidate || !contains(candidate, offset)) continue;
      const whole = s.key ? { start: s.key.start, end: Math.max(s.key.end, s.value.end) } : s.value;
      const size = whole.end - whole.start;
      if (size < bestSize || (size === bestSize && path.length > best.length)) {
        best = path;
        bestSpan = candidate;
        bestSize = size;
      }
    }
  }
  return { policy, index, path: best, span: { start: bestSpan.start + policy.base, end: bestSpan.end + policy.base } };
}
