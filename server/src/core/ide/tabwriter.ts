/**
 * Column alignment the way kubectl does it: Go's text/tabwriter with left-aligned cells padded
 * with spaces. A cell is text terminated by a tab; the text after a line's last tab is not part of
 * any column. A column's width is decided per block of consecutive lines that all have a cell in
 * that column: the widest cell (counted in code points, as Go counts runes) plus `padding`, but at
 * least `minWidth`. Blocks nest: a column's block lies within the block of the column to its left.
 */

export interface TabOptions {
  readonly minWidth: number;
  readonly padding: number;
}

/** `kubectl describe`'s writer (minwidth 0, tabwidth 8, padding 2). */
export const DESCRIBE_TABS: TabOptions = { minWidth: 0, padding: 2 };
/** `kubectl get`'s table writer (minwidth 6, tabwidth 4, padding 3). */
export const TABLE_TABS: TabOptions = { minWidth: 6, padding: 3 };

function runeCount(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

export function alignTabs(text: string, opts: TabOptions): string {
  const lines = text.split('\n').map((l) => l.split('\t'));
  // widths[i][j]: the padded width of cell j on line i (only for tab-terminated cells).
  const widths: number[][] = lines.map(() => []);
  const layout = (from: number, to: number, column: number): void => {
    let i = from;
    while (i < to) {
      if (column >= lines[i].length - 1) {
        i++;
        continue;
      }
      const start = i;
      let width = opts.minWidth;
      for (; i < to && column < lines[i].length - 1; i++) width = Math.max(width, runeCount(lines[i][column]) + opts.padding);
      for (let k = start; k < i; k++) widths[k][column] = width;
      layout(start, i, column + 1);
    }
  };
  layout(0, lines.length, 0);
  return lines
    .map((cells, i) => cells.map((c, j) => (j < cells.length - 1 ? c + ' '.repeat(Math.max(0, widths[i][j] - runeCount(c))) : c)).join(''))
    .join('\n');
}

/** kubectl's terminal escaping of printed values (ESC and CR would otherwise reach the terminal). */
export function escapeTerminal(s: string): string {
  return s.replace(/\x1b/g, '^[').replace(/\r/g, '\\r');
}
