/** Completion: the entries it produces, its options, and the site (the cursor's place in the scanned document) every part reads. */
import { World } from '../../semantics/evaluate';
import { detectYamlStyle } from '../insert';
import type { YamlStyle } from '../templates';
import type { Line, Tok } from './scan';
import { unquote, child } from './scan';

export type CompletionEntryKind = 'field' | 'enum' | 'labelKey' | 'labelValue' | 'namespace' | 'port';

export interface CompletionEntry {
  readonly label: string;
  readonly kind: CompletionEntryKind;
  /** One line next to the label (the type of a field, the pods that define a port, …). */
  readonly detail?: string;
  /** Markdown. */
  readonly documentation?: string;
  /** The text replaced: [start, end) (the word or value being typed). */
  readonly start: number;
  readonly end: number;
  readonly newText: string;
  /** newText is a snippet (`$0` marks the cursor); its lines carry absolute indentation. */
  readonly snippet: boolean;
  readonly sortText: string;
  readonly filterText?: string;
  /** Something more can be completed right after inserting (a value after `key: `). */
  readonly retrigger?: boolean;
}

export interface CompleteOptions {
  /** The workspace, asked for only where labels, namespaces or ports are wanted. */
  readonly world?: () => World | undefined;
  /** The character that triggered the request: for ' ' only right after `key:` or `-` anything is offered. */
  readonly triggerCharacter?: string;
}


export interface Site {
  readonly text: string;
  readonly doc: { start: number; end: number };
  readonly lines: readonly Line[];
  readonly cursorLine: number;
  /** The policy object (the document's root, or a List item). */
  readonly policy: Tok;
  /** Path from the policy object to the cursor token's parent: keys, and '[]' for items. */
  readonly path: string;
  readonly chain: readonly Tok[];
  readonly tok: Tok;
  readonly world: () => World | undefined;
  style?: YamlStyle;
}

export function pathOf(chain: readonly Tok[]): string {
  let p = '';
  for (const n of chain) {
    if (n.kind === 'key') p += (p ? '.' : '') + n.key;
    else if (n.kind === 'dash') p += '[]';
  }
  return p;
}

export function styleOf(site: Site): YamlStyle {
  site.style ??= detectYamlStyle(site.text.slice(Math.max(0, site.doc.start - 16384), site.doc.end));
  return site.style;
}

export function policyNamespace(site: Site): string {
  const ns = child(child(site.policy, 'metadata'), 'namespace')?.value;
  return ns ? unquote(ns) || 'default' : 'default';
}

