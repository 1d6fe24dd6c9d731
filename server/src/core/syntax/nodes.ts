/**
 * The YAML tree every reader of the core shares: maps, sequences and scalars with their spans,
 * and a document's problems. Both parsers build it (tree.ts through the `yaml` package, fast.ts
 * directly); keeping it here lets them depend on it without depending on each other.
 */
import type { Span } from '../text';
import type { ScalarValue } from './scalar';

export interface YScalar {
  readonly kind: 'scalar';
  readonly span: Span;
  readonly value: ScalarValue;
  /** The scalar as written, without quotes. */
  readonly text: string;
  readonly style: 'plain' | 'quoted' | 'block';
}

export interface YEntry {
  /** The key as Kubernetes sees it (non-string keys become strings: `yes` -> "true"). */
  readonly key: string;
  readonly keyNode: YScalar | undefined;
  readonly keySpan: Span;
  /** Undefined when the key has no value (`key:`), which YAML reads as null. */
  readonly value: YNode | undefined;
}

export interface YMap {
  readonly kind: 'map';
  readonly span: Span;
  readonly entries: readonly YEntry[];
  /** Whether the map is written in flow style ({a: b}). */
  readonly flow: boolean;
}

export interface YSeq {
  readonly kind: 'seq';
  readonly span: Span;
  readonly items: readonly YNode[];
  readonly flow: boolean;
}

export type YNode = YScalar | YMap | YSeq;

export interface YamlProblem {
  readonly kind: 'syntax' | 'duplicate-key' | 'too-complex';
  readonly message: string;
  readonly span: Span;
}

export interface YDocument {
  /** The document's span in the stream, from its first to its last character. */
  readonly span: Span;
  readonly root: YNode | undefined;
  readonly problems: readonly YamlProblem[];
  /** Set when limits stopped the conversion: root holds only what was read before. */
  readonly truncated?: boolean;
}

/** The value of `key` in a map node, if present. */
export function getEntry(node: YNode | undefined, key: string): YEntry | undefined {
  if (!node || node.kind !== 'map') return undefined;
  for (let i = node.entries.length - 1; i >= 0; i--) if (node.entries[i].key === key) return node.entries[i];
  return undefined;
}

/** A scalar's string value when it is a string (quoted or plain). */
export function scalarString(node: YNode | undefined): string | undefined {
  return node?.kind === 'scalar' && node.value.type === 'string' ? node.value.value : undefined;
}
