/**
 * The core's public API. Pure: no editor, no LSP, no file system, no timers, no global state.
 * Text in, plain data out; offsets are UTF-16 indexes into the text.
 */
export { analyzeText, analyzeDocuments } from './analyze';
export type { Analysis, AnalyzedPolicy, Diagnostic, Settings, SeveritySetting } from './analyze';
export { RULES, ruleByCode } from './rules/catalog';
export type { Fix, RuleMeta, Severity, TextEdit } from './rules/rule';
export { LineIndex } from './text';
export type { Position, Span } from './text';
export { parseYamlStream } from './syntax/tree';
