/**
 * Authoring in the editor: NetworkPolicy templates as code actions ("Insert
 * allow-frontend-to-backend", …) on any YAML file (source actions anywhere, `refactor.insert` where
 * a new document can go, so VS Code's Ctrl+. and clients that send no `only` find them), under a
 * fresh name (`-2`) when the namespace has a policy of that name, the `netpolLens/templates` and
 * `netpolLens/insertTemplate` requests behind the client's "Insert NetworkPolicy template" command,
 * the template snippet completions (the only ones: the extension has no static snippets) whose
 * namespace and label tab stops offer what the workspace knows, and the core's field/value
 * completions (ide/complete.ts: schema fields, enums, workspace labels, namespaces and ports)
 * merged with them.
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
  CompletionList,
  CompletionParams,
  CompletionTriggerKind,
  Connection,
  InsertTextFormat,
  InsertTextMode,
  MarkupKind,
  Position,
  Range,
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
  freshPolicyName,
  insertTemplate,
  newDocumentSite,
  policyNamesIn,
  renderTemplate,
  renderTemplateSnippet,
  snippetSite,
  TemplateChoices,
  templateById,
  templateChoicesFromWorld,
  TemplateId,
  TemplateInfo,
  TEMPLATE_NAMESPACE,
  templatePolicyName,
  TEMPLATES,
  World,
} from '../core';
import { t } from '../core/l10n';
import { assertionCompletions } from './assertions';
import { runSafe } from './runSafe';

/** The kind of the template code actions: VS Code lists them under "Source Action…". */
export const TEMPLATE_ACTION_KIND = CodeActionKind.Source;

/**
 * The kind of the same actions where a new document can go as it is (an empty file, after a final
 * `---`): VS Code's Ctrl+. and lightbulb show refactorings but never source actions.
 */
export const TEMPLATE_INSERT_KIND = 'refactor.insert';

/** The client command that selects a range of a document after an edit (VS Code's client registers it). */
export const SELECT_RANGE_COMMAND = 'netpolLens.selectRange';

/** Files longer than this get no template actions (finding the insertion point reads the whole text). */
const MAX_TEXT_CHARS = 32 * 1024 * 1024;

export interface TemplateSummary {
  readonly id: TemplateId;
  readonly label: string;
  readonly description: string;
  /** The policy name the template carries (an insertion takes a fresh one when it is taken). */
  readonly name: string;
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
  /** Whether the client runs SELECT_RANGE_COMMAND (to select a template's fresh name after inserting it). */
  readonly canSelect?: () => boolean;
}

export interface Authoring {
  /** Adds the source code action kind and a completion provider to the server's capabilities. */
  capabilities(caps: ServerCapabilities): ServerCapabilities;
  /** The template code actions for a code action request (to merge with the quick fixes). */
  codeActions(params: CodeActionParams): CodeAction[];
  /** Field/value completions and the template snippets for a completion request. */
  completions(params: CompletionParams): CompletionList;
}

/** The policy names a new template must not take: those of its namespace in `world`. */
function takenNames(world: World | undefined): ReadonlySet<string> {
  return world ? policyNamesIn(world, TEMPLATE_NAMESPACE) : new Set();
}

/** Template `id`'s policy name, or a fresh one when a policy of that name exists (`…-2`). */
export function templateName(id: TemplateId, taken: ReadonlySet<string>): string {
  return freshPolicyName(templatePolicyName(id), taken);
}

/** The edit inserting template `id` into `doc` after the document holding `position`, named `name` (default: the template's). */
export function templateEdit(doc: TextDocument, position: Position, id: TemplateId, name?: string): TextEdit {
  const ins = insertTemplate(doc.getText(), doc.offsetAt(position), id, name);
  return TextEdit.insert(doc.positionAt(ins.offset), ins.newText);
}

/** Where the policy's name (`metadata.name`'s value) lands in `doc` once `edit` is applied. */
export function nameRangeAfter(doc: TextDocument, edit: TextEdit, name: string): Range | undefined {
  const m = new RegExp(`^[ \\t]+name: (${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')})\\r?$`, 'm').exec(edit.newText);
  if (!m) return undefined;
  const offset = doc.offsetAt(edit.range.start) + m.index + m[0].indexOf(m[1]);
  const after = TextDocument.create(doc.uri, doc.languageId, doc.version + 1, TextDocument.applyEdits(doc, [edit]));
  return { start: after.positionAt(offset), end: after.positionAt(offset + name.length) };
}

/** Whether a request's `only` filter lets source actions through (`source`, or the empty kind). */
function wantsSource(only: readonly string[]): boolean {
  return only.some((k) => k === TEMPLATE_ACTION_KIND || k === '');
}

/** Whether a request's `only` filter lets `refactor.insert` through (`refactor`, `refactor.insert`, or the empty kind). */
function wantsInsert(only: readonly string[]): boolean {
  return only.some((k) => k === TEMPLATE_INSERT_KIND || k === CodeActionKind.Refactor || k === '');
}

export interface TemplateActionOptions {
  /** The action kind: `source` (anywhere) or `refactor.insert` (where a new document can go). */
  readonly kind?: string;
  /** Policy names already taken in the templates' namespace: a template gets a fresh name then. */
  readonly taken?: ReadonlySet<string>;
  /** Attach SELECT_RANGE_COMMAND to select a fresh name after the edit. */
  readonly select?: boolean;
}

/** The template code actions for `doc` with the cursor at `position`. */
export function templateCodeActions(doc: TextDocument, position: Position, options: TemplateActionOptions = {}): CodeAction[] {
  if (doc.getText().length > MAX_TEXT_CHARS) return [];
  const taken = options.taken ?? new Set<string>();
  return TEMPLATES.map((tpl): CodeAction => {
    const name = templateName(tpl.id, taken);
    const edit = templateEdit(doc, position, tpl.id, name);
    const renamed = name !== templatePolicyName(tpl.id);
    const range = renamed && options.select ? nameRangeAfter(doc, edit, name) : undefined;
    return {
      title: renamed ? t('Insert {0} as {1}', tpl.label, name) : t('Insert {0}', tpl.label),
      kind: options.kind ?? TEMPLATE_ACTION_KIND,
      edit: { changes: { [doc.uri]: [edit] } },
      ...(range ? { command: { title: t('Select the new policy\'s name'), command: SELECT_RANGE_COMMAND, arguments: [doc.uri, range] } } : {}),
    };
  });
}

/**
 * Snippet completions for the templates at `position` (a word at the start of a line where a new
 * document can go; see core snippetSite), with the namespaces and pod labels of `world` as the
 * choices of their tab stops, and a fresh name when the workspace has a policy of the template's
 * name. Empty where no document can start (inside a policy, after `key: `). The only template
 * snippets: the extension contributes no static ones, so each template is listed once.
 */
export function templateCompletions(doc: TextDocument, position: Position, world: () => World | undefined): CompletionItem[] {
  const text = doc.getText();
  if (text.length > MAX_TEXT_CHARS) return [];
  const site = snippetSite(text, doc.offsetAt(position));
  if (!site) return [];
  const w = world();
  const choices: Required<TemplateChoices> = w ? templateChoicesFromWorld(w) : { namespaces: [], labels: [] };
  const known = choices.namespaces.length > 0 || choices.labels.length > 0;
  const taken = takenNames(w);
  const range = { start: doc.positionAt(site.start), end: doc.positionAt(site.end) };
  return TEMPLATES.map((tpl, i): CompletionItem => ({
    label: tpl.prefix,
    labelDetails: { description: known ? t('NetworkPolicy, workspace namespaces and labels') : t('NetworkPolicy template') },
    kind: CompletionItemKind.Snippet,
    detail: t('NetworkPolicy template: {0}', tpl.label),
    documentation: { kind: MarkupKind.Markdown, value: `${tpl.description}\n\n\`\`\`yaml\n${renderTemplate(tpl.id, { ...site.style, eol: '\n' })}\`\`\`` },
    filterText: tpl.prefix,
    sortText: `0netpol${i}`,
    insertTextFormat: InsertTextFormat.Snippet,
    textEdit: { range, newText: site.lead + renderTemplateSnippet(tpl.id, site.style, choices, templateName(tpl.id, taken)) },
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
  return TEMPLATES.map((t: TemplateInfo) => ({ id: t.id, label: t.label, description: t.description, name: templatePolicyName(t.id) }));
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
      const name = templateName(t.id, takenNames(deps.world(params.uri)));
      return { changes: { [params.uri]: [templateEdit(doc, params.position, t.id, name)] } };
    }),
  );

  return {
    capabilities(caps) {
      const prev = caps.codeActionProvider;
      const kinds = typeof prev === 'object' ? [...(prev.codeActionKinds ?? [])] : [CodeActionKind.QuickFix];
      if (!kinds.includes(TEMPLATE_ACTION_KIND)) kinds.push(TEMPLATE_ACTION_KIND);
      if (!kinds.includes(TEMPLATE_INSERT_KIND)) kinds.push(TEMPLATE_INSERT_KIND);
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
        // `only` given (VS Code's Source Action menu: `['source']`; a refactor menu): the kinds it
        // lets through. No `only` (Ctrl+., Neovim's vim.lsp.buf.code_action(), Helix, Emacs): the
        // templates once, as `refactor.insert` where a new document can go (VS Code's Ctrl+. and
        // lightbulb show those, never source actions) and as source actions elsewhere. The
        // automatic request (the lightbulb as the cursor moves) only where a new document can go.
        const { only, triggerKind } = params.context;
        const doc = deps.documents.get(params.textDocument.uri);
        if (!doc) return [];
        const automatic = triggerKind === CodeActionTriggerKind.Automatic;
        // Cheap when the cursor's line is not blank (most automatic requests).
        const site = newDocumentSite(doc.getText(), doc.offsetAt(params.range.start));
        if (automatic && !only && !site) return [];
        const kinds: string[] = only
          ? [...(wantsSource(only) ? [TEMPLATE_ACTION_KIND] : []), ...(site && wantsInsert(only) ? [TEMPLATE_INSERT_KIND] : [])]
          : [site ? TEMPLATE_INSERT_KIND : TEMPLATE_ACTION_KIND];
        if (kinds.length === 0) return [];
        const taken = takenNames(deps.world(doc.uri));
        const select = deps.canSelect?.() ?? false;
        return kinds.flatMap((kind) => templateCodeActions(doc, params.range.start, { kind, taken, select }));
      });
    },
    completions(params) {
      return runSafe(connection, 'template completions', { isIncomplete: false, items: [] }, undefined, (): CompletionList => {
        const doc = deps.documents.get(params.textDocument.uri);
        if (!doc) return { isIncomplete: false, items: [] };
        const trigger = params.context?.triggerKind === CompletionTriggerKind.TriggerCharacter ? params.context.triggerCharacter : undefined;
        let w: World | undefined | null = null;
        const world = (): World | undefined => (w === null ? (w = deps.world(doc.uri)) : w);
        const asserted = assertionCompletions(doc, params.position, world);
        if (asserted) return { isIncomplete: false, items: asserted };
        const templates = trigger ? [] : templateCompletions(doc, params.position, world);
        const fields = fieldCompletions(doc, params.position, world, trigger);
        // Values (enums, labels, namespaces, ports) are asked for again as the user types, so that
        // the list empties once the value is complete (see completeAt) and Enter breaks the line.
        const isIncomplete = fields.some((i) => i.kind !== CompletionItemKind.Field && i.kind !== CompletionItemKind.Property);
        return { isIncomplete, items: [...templates, ...fields] };
      });
    },
  };
}
