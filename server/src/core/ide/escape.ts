/**
 * Escaping names and labels (which anyone who can write a manifest chooses) for every output
 * format, so that a crafted name cannot add a Markdown table row, a Graphviz attribute, Mermaid
 * syntax, HTML or XML. Each function returns text that is inert in its format and still shows the
 * original characters to a reader.
 */

/** C0/C1 controls and the Unicode line/paragraph separators, shown as `\u001b` and so on. */
const CONTROLS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

function hex4(c: string): string {
  return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/** Control characters as visible escapes (for any text format where they have no business). */
export function escapeControls(s: string): string {
  return s.replace(CONTROLS, hex4);
}

/** A Markdown table cell: no row breaks, no column breaks, no inline HTML, no code-span escape. */
export function escapeMarkdownCell(s: string): string {
  return escapeControls(s)
    .replace(/\\/g, '\\\\')
    .replace(/\|/g, '\\|')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[`*_[\]#]/g, (c) => `\\${c}`);
}

/** Text inside an HTML element or a double- or single-quoted attribute. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/**
 * Text in XML 1.0 (JUnit, SARIF's XML cousins): entities, and characters XML cannot carry at all
 * escaped visibly. A carriage return is a character reference (a parser would read it as a line feed).
 */
export function escapeXml(s: string): string {
  return escapeHtml(s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, hex4).replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, hex4)).replace(/\r/g, '&#13;');
}

/** An XML attribute value: escapeXml, and tab and line feed as character references (a parser turns them into spaces otherwise). */
export function escapeXmlAttribute(s: string): string {
  return escapeXml(s).replace(/[\t\n]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A Graphviz double-quoted ID (node names, labels): quotes and backslashes escaped, one line. */
export function dotString(s: string): string {
  return `"${escapeControls(s).replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/**
 * A Mermaid label for `id["…"]` or `|"…"|`: every character but letters, digits, space and
 * `/ . : _ -` as an entity code (`#35;`), which Mermaid shows as the character.
 */
export function mermaidLabel(s: string): string {
  let out = '';
  for (const ch of escapeControls(s)) out += /^[A-Za-z0-9 /.:_-]$/.test(ch) ? ch : `#${ch.codePointAt(0)};`;
  return `"${out}"`;
}

/** A JSON string safe inside an HTML <script> element (no `</script>`, no `<!--`). */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}
