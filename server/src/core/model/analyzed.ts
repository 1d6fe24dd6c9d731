/**
 * The shapes every layer above the parser shares: a policy document as the rules see it and a
 * policy as one file's analysis leaves it. Kept here, below analyze.ts, rules/ and semantics/,
 * so that lower layers never import the pipeline (analyze.ts re-exports them).
 */
import type { Span } from '../text';
import type { YDocument, YMap } from '../syntax/tree';
import type { Decoded } from './decode';
import type { NetworkPolicy } from './types';

/** A document the rules look at: a NetworkPolicy object (maybe from a List), or a bad-version one. */
export interface PolicyDocument {
  readonly yaml: YDocument;
  /** The object's own map (the document root, or an item of a List). */
  readonly node: YMap;
  /** The span of `kind:`'s value, a good anchor for document-wide findings. */
  readonly anchor: Span;
  readonly apiVersion: string | undefined;
  /** Decoded model; undefined when the apiVersion is not one we can decode. */
  readonly decoded: Decoded<NetworkPolicy> | undefined;
}

export interface AnalyzedPolicy {
  /**
   * Offset of the text the policy's spans are relative to: 0 when the whole file was parsed at
   * once, the start of its YAML document when documents are analysed one by one (incremental).
   * Every span inside `doc` and `decoded` is relative to it; add it to get a file offset.
   */
  readonly base: number;
  readonly doc: PolicyDocument;
  readonly decoded: Decoded<NetworkPolicy> | undefined;
  /** Whether the API server would accept it (no error-level finding, before severity overrides). */
  readonly valid: boolean;
}
