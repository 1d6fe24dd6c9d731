/**
 * Authoring in the editor: NetworkPolicy templates as source code actions ("Insert
 * allow-frontend-to-backend", …) on any YAML file, the `netpolLens/templates` and
 * `netpolLens/insertTemplate` requests behind the client's "Insert NetworkPolicy template" command,
 * snippet completions whose namespace and label tab stops offer what the workspace knows, and the
 * core's field/value completions (ide/complete.ts: schema fields, enums, workspace labels,
 * namespaces and ports) merged with them.
 * A thin shim: where the new document goes and what it says is the core's (ide/insert.ts,
 * ide/templates.ts); this module only converts offsets to positions.
 *
 * server.ts calls startAuthoring once and routes three things through it: the capabilities it
 * announces, its code actions (merged with the quick fixes) and completion (onCompletion).
 */
import {
  CodeAction,
  CodeActionKind,
  CodeActionParams,
  CodeActionTriggerKind,
  CompletionItem,
  CompletionItemKind,
  CompletionParams,
  CompletionTriggerKind,
  Connection,
  InsertTextFormat,
  InsertTextMode,
  MarkupKind,
  Position,
  ServerCapabilities,
  TextDocuments,
  TextEdit,
  WorkspaceEdit,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import {
  completeAt,
  CompletionEntry,
  CompletionEntryKind,
  insertTemplate,
  renderTemplate,
  renderTemplateSnippet,
  snippetSite,
  TemplateChoices,
  templateById,
  templateChoicesFromWorld,
  TemplateId,
  TemplateInfo,
  TEMPLATES,
  World,
} from '../core';
import { t } from '../core/l10n';
import { assertionCompletions } from './assertions';
import { runSafe } from './runSafe';

/** The kind of the template code actions: VS Code lists them under "Source Action…". */
export const TEMPLATE_ACTION_KIND = CodeActionKind.Source;

/** Files longer than this get no template actions (finding the insertion point reads the whole text). */
const MAX_TEXT_CHARS = 32 * 1024 * 1024;

export interface TemplateSummary {
  readonly id: TemplateId;
  readonly label: string;
  readonly description: string;
}

export interface InsertTemplateParams {
  readonly uri: string;
  readonly position: Position;
  readonly template: string;
  /** The document's text as the client sees it; when absent, the server's copy of the open document. */
  readonly text?: string;
}

export interface AuthoringDeps {
  readonly documents: TextDocuments<TextDocument>;
  /** The workspace the server knows (open documents and scanned files), after syncing `uri`. */
  readonly world: (uri: string) => World | undefined;
}

export interface Authoring {
  /** Adds the source code action kind and a completion provider to the server's capabilities. */
  capabilities(caps: ServerCapabilities): ServerCapabilities;
  /** The template code actions for a code action request (to merge with the quick fixes). */
  codeActions(params: CodeActionParams): CodeAction[];
  /** The template snippet completions for a completion request (to merge with other completions). */
  completions(params: CompletionParams): CompletionItem[];
}

/** The edit inserting template `id` into `doc` after the document holding `position`. */
export function templateEdit(doc: TextDocument, position: Position, id: TemplateId): TextEdit {
  const ins = insertTemplate(doc.getText(), doc.offsetAt(position), id);
  return TextEdit.insert(doc.positionAt(ins.offset), ins.newText);
}

/** Whether a request's `only` filter lets source actions through (`source`, or the empty kind). */
function wantsSource(only: readonly string[]): boolean {
  return only.some((k) => k === TEMPLATE_ACTION_KIND || k === '');
}

/** The template code actions for `doc` with the cursor at `position`. */
export function templateCodeActions(doc: TextDocument, position: Position): CodeAction[] {
  if (doc.getText().length > MAX_TEXT_CHARS) return [];
  return TEMPLATES.map((tpl) => ({
    title: t('Insert {0}', tpl.label),
    kind: TEMPLATE_ACTION_KIND,
    edit: { changes: { [doc.uri]: [templateEdit(doc, position, tpl.id)] } },
  }));
}

/** Whether the workspace knows something a template's tab stops could offer beyond its own values. */
function hasChoices(c: Required<TemplateChoices>): boolean {
  return c.namespaces.length > 0 || c.labels.length > 0;
}

/**
 * Snippet completions for the templates at `position` (a word at the start of a line where a new
 * document can go; see core snippetSite), with the namespaces and pod labels of `world` as the
 * choices of their tab stops. Empty where no document can start, and when the workspace knows no
 * namespace or label (the extension's static snippets cover that case). Exported so that a later
 * completion feature can merge its items with these.
 */
export function templateCompletions(doc: TextDocument, position: Position, world: () => World | undefined): CompletionItem[] {
  const text = doc.getText();
  if (text.length > MAX_TEXT_CHARS) return [];
  const site = snippetSite(text, doc.offsetAt(position));
  if (!site) return [];
  const w = world();
  if (!w) return [];
  const choices = templateChoicesFromWorld(w);
  if (!hasChoices(choices)) return [];
  const range = { start: doc.positionAt(site.start), end: doc.positionAt(site.end) };
  return TEMPLATES.map((tpl, i): CompletionItem => ({
    label: tpl.prefix,
    labelDetails: { description: t('NetworkPolicy, workspace namespaces and labels') },
    kind: CompletionItemKind.Snippet,
    detail: t('NetworkPolicy template: {0}', tpl.label),
    documentation: { kind: MarkupKind.Markdown, value: `${tpl.description}\n\n\`\`\`yaml\n${renderTemplate(tpl.id, { ...site.style, eol: '\n' })}\`\`\`` },
    filterText: tpl.prefix,
    sortText: `0netpol${i}`,
    insertTextFormat: InsertTextFormat.Snippet,
    textEdit: { range, newText: site.lead + renderTemplateSnippet(tpl.id, site.style, choices) },
  }));
}

const ENTRY_KINDS: Record<CompletionEntryKind, CompletionItemKind> = {
  field: CompletionItemKind.Field,
  enum: CompletionItemKind.EnumMember,
  labelKey: CompletionItemKind.Property,
  labelValue: CompletionItemKind.Value,
  namespace: CompletionItemKind.Module,
  port: CompletionItemKind.Value,
};

/** VS Code's command to open the suggestions again (after `key: `, the values come next). */
const RETRIGGER = { title: '', command: 'editor.action.triggerSuggest' };

/**
 * Field names and values at `position` (core completeAt), as LSP items. Snippet lines carry
 * absolute indentation, so the items say `asIs`. `triggerCharacter` is the one the client
 * reports (a space only answers right after `key:` or `-`).
 */
export function fieldCompletions(doc: TextDocument, position: Position, world: () => World | undefined, triggerCharacter?: string): CompletionItem[] {
  const text = doc.getText();
  if (text.length > MAX_TEXT_CHARS) return [];
  return completeAt(text, doc.offsetAt(position), { world, triggerCharacter }).map((e: CompletionEntry): CompletionItem => ({
    label: e.label,
    kind: ENTRY_KINDS[e.kind],
    detail: e.detail,
    documentation: e.documentation ? { kind: MarkupKind.Markdown, value: e.documentation } : undefined,
    sortText: e.sortText,
    filterText: e.filterText,
    insertTextFormat: e.snippet ? InsertTextFormat.Snippet : InsertTextFormat.PlainText,
    insertTextMode: InsertTextMode.asIs,
    textEdit: { range: { start: doc.positionAt(e.start), end: doc.positionAt(e.end) }, newText: e.newText },
    command: e.retrigger ? RETRIGGER : undefined,
  }));
}

export function summaries(): TemplateSummary[] {
  return TEMPLATES.map((t: TemplateInfo) => ({ id: t.id, label: t.label, description: t.description }));
}

export function startAuthoring(connection: Connection, deps: AuthoringDeps): Authoring {
  connection.onRequest('netpolLens/templates', (_params: unknown, token) => runSafe(connection, 'templates', [], token, summaries));

  connection.onRequest('netpolLens/insertTemplate', (params: InsertTemplateParams, token): WorkspaceEdit | null =>
    runSafe(connection, 'insert template', null, token, () => {
      const t = templateById(params.template);
      if (!t) return null;
      const open = deps.documents.get(params.uri);
      const doc = typeof params.text === 'string' ? TextDocument.create(params.uri, 'yaml', 0, params.text) : open;
      if (!doc) return null;
      return { changes: { [params.uri]: [templateEdit(doc, params.position, t.id)] } };
    }),
  );

  return {
    capabilities(caps) {
      const prev = caps.codeActionProvider;
      const kinds = typeof prev === 'object' ? [...(prev.codeActionKinds ?? [])] : [CodeActionKind.QuickFix];
      if (!kinds.includes(TEMPLATE_ACTION_KIND)) kinds.push(TEMPLATE_ACTION_KIND);
      return {
        ...caps,
        codeActionProvider: { ...(typeof prev === 'object' ? prev : {}), codeActionKinds: kinds },
        // A space right after `key:` or `- ` is where values and item fields start; VS Code's
        // quick suggestions stay off inside YAML values (they are strings), so without it enums,
        // labels and ports would need Ctrl+Space. Other spaces get an empty answer at once.
        completionProvider: caps.completionProvider ?? { triggerCharacters: [' '] },
      };
    },
    codeActions(params) {
      return runSafe(connection, 'template code actions', [], undefined, () => {
        // Asked for explicitly (VS Code's Source Action menu: `only: ['source']`), or invoked by
        // the user. The automatic (lightbulb) request never shows source actions, and a request
        // without trigger kind (an older client) gets the quick fixes alone, as before.
        const { only, triggerKind } = params.context;
        if (only ? !wantsSource(only) : triggerKind !== CodeActionTriggerKind.Invoked) return [];
        const doc = deps.documents.get(params.textDocument.uri);
        return doc ? templateCodeActions(doc, params.range.start) : [];
      });
    },
    completions(params) {
      return runSafe(connection, 'template completions', [], undefined, () => {
        const doc = deps.documents.get(params.textDocument.uri);
        if (!doc) return [];
        const trigger = params.context?.triggerKind === CompletionTriggerKind.TriggerCharacter ? params.context.triggerCharacter : undefined;
        let w: World | undefined | null = null;
        const world = (): World | undefined => (w === null ? (w = deps.world(doc.uri)) : w);
        const asserted = assertionCompletions(doc, params.position, world);
        if (asserted) return asserted;
        const templates = trigger ? [] : templateCompletions(doc, params.position, world);
        return [...templates, ...fieldCompletions(doc, params.position, world, trigger)];
      });
    },
  };
}
