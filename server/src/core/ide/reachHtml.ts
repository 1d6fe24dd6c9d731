/**
 * `netpol-lens matrix --format html`: one self-contained offline page with the same graph and
 * matrix as the VS Code panel. The view's script and stylesheet (dist/webview.js, dist/webview.css,
 * read by the CLI) are inlined; the model (wire form, reach/wire.ts) and, after the script, the
 * explanations computed in advance are JSON data blocks; a Content-Security-Policy allows only the page's own nonce'd script and style, so
 * nothing is fetched from anywhere.
 */
import type { EdgeExplanation, ReachabilityModel } from './reachModel';
import { escapeHtml, jsonForScript } from './escape';
import { encodeReachability } from './reach/wire';
import { t } from '../l10n';

/** The view's strings beyond the model's (the VS Code panel passes the same keys from the client bundle). */
export function viewStrings(): Record<string, string> {
  return {
    'Changed since the panel opened: {0} added or changed, {1} removed': t('Changed since the panel opened: {0} added or changed, {1} removed'),
    'Expand namespace': t('Expand namespace'),
    'Collapse namespaces': t('Collapse namespaces'),
    'Expand all': t('Expand all'),
    'Focus on this node': t('Focus on this node'),
    'Show everything': t('Show everything'),
    '{0} connections': t('{0} connections'),
    'No explanation stored in this file for that pair; run:': t('No explanation stored in this file for that pair; run:'),
    'The graph has too many nodes to draw at once ({0}): collapse namespaces, filter or focus on a pod.': t('The graph has too many nodes to draw at once ({0}): collapse namespaces, filter or focus on a pod.'),
  };
}

export interface ReachHtmlInput {
  readonly model: ReachabilityModel;
  /** Explanations by edge id (the CLI caps how many it computes). */
  readonly explanations: Readonly<Record<string, EdgeExplanation>>;
  /** dist/webview.js and dist/webview.css. */
  readonly script: string;
  readonly css: string;
  /** dist/elk-worker.js, the layout worker's text (absent: the view keeps its quick layout). */
  readonly elkWorker?: string;
  /** A fresh random value per page (the CSP nonce). */
  readonly nonce: string;
  /** The page's language (`en`, `ko`). */
  readonly lang: string;
}

/**
 * Text that cannot end the element it is inlined in: `</script` / `</style` become `<\/…` (the
 * same string or pattern in JavaScript; an escaped character in CSS), `<!--` (which could start
 * the HTML parser's double-escaped state) becomes `<\!--` in the script.
 */
function inline(text: string, element: 'script' | 'style'): string {
  const end = new RegExp(`</(${element})`, 'gi');
  return element === 'script' ? text.replace(end, '<\\/$1').replace(/<!--/g, '<\\!--') : text.replace(end, '<\\/$1');
}

export function renderReachHtml(input: ReachHtmlInput): string {
  const nonce = input.nonce.replace(/[^A-Za-z0-9+/=_-]/g, '');
  // The model in its wire form (packed edges); the explanations in a block after the script, so
  // that the view is drawn before the parser reaches them (read on the first click).
  const data = { model: encodeReachability(input.model), strings: viewStrings(), explained: Object.keys(input.explanations).length };
  const title = input.model.strings['Reachability'] ?? 'Reachability';
  // Our own text (the nonce is sanitized above): no quote or angle bracket to escape.
  // worker-src blob: the layout (ELK) runs in a worker made from the text of the page's last block.
  const csp = `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'; img-src data:; worker-src blob:; base-uri 'none'; form-action 'none'`;
  return [
    '<!DOCTYPE html>',
    `<html lang="${escapeHtml(input.lang)}">`,
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${csp}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(`NetworkPolicy Lens: ${title}`)}</title>`,
    `<style nonce="${nonce}">${inline(input.css, 'style')}</style>`,
    '</head>',
    '<body class="standalone">',
    '<div id="app"></div>',
    `<script type="application/json" id="netpol-data">${jsonForScript(data)}</script>`,
    `<script nonce="${nonce}">${inline(input.script, 'script')}</script>`,
    `<script type="application/json" id="netpol-explanations">${jsonForScript(input.explanations)}</script>`,
    // The layout worker's text, last: read after the first paint (a data block, never run as a page script).
    ...(input.elkWorker === undefined ? [] : [`<script type="text/plain" id="netpol-elk-worker">${inline(input.elkWorker, 'script')}</script>`]),
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
