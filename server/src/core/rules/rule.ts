/**
 * The shape every diagnostic rule has: catalog metadata plus a check that reads one policy
 * document (or one YAML document) and reports findings through the context.
 */
import type { Span } from '../text';
import type { YDocument, YMap } from '../syntax/tree';
import type { Decoded } from '../model/decode';
import type { NetworkPolicy } from '../model/types';

export type Severity = 'error' | 'warning' | 'info' | 'hint';

export interface TextEdit {
  readonly span: Span;
  readonly newText: string;
}

export interface Fix {
  readonly title: string;
  readonly edits: readonly TextEdit[];
}

export interface RuleMeta {
  /** Stable code, never reused: NP0xx YAML, NP1xx structure, NP2xx API server validation, NP3xx likely mistakes. */
  readonly code: string;
  /** Stable slug; also the rule's file name and the docs page's suffix. */
  readonly slug: string;
  readonly severity: Severity;
  /** One line: what the rule reports. */
  readonly title: string;
  /** Whether some findings carry a fix. */
  readonly fixable: boolean;
  /** Where it comes from: the API server function or the pitfall it mirrors. */
  readonly source: string;
}

export interface Finding {
  readonly span: Span;
  readonly message: string;
  /** The Kubernetes field path the API server reports, where there is one. */
  readonly path?: string;
  readonly fix?: Fix;
}

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

export interface RuleContext {
  readonly doc: PolicyDocument;
  readonly text: string;
  report(finding: Finding): void;
}

export interface Rule {
  readonly meta: RuleMeta;
  /** 'yaml' rules run once per YAML document holding a policy; 'policy' rules once per policy object. */
  readonly scope: 'yaml' | 'policy';
  check(ctx: RuleContext): void;
}
