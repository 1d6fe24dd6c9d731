/** Turns provenance (file + offset) into `file:line` for messages, from the files' texts. */
import { LineIndex } from '../text';

/** 1-based line of `offset` in `file`, or undefined when the file's text is unknown. */
export type Locate = (file: string, offset: number) => number | undefined;

export function lineLocator(files: readonly { readonly file: string; readonly text: string }[]): Locate {
  const texts = new Map<string, string>();
  for (const f of files) texts.set(f.file, f.text);
  const indexes = new Map<string, LineIndex>();
  return (file, offset) => {
    let idx = indexes.get(file);
    if (!idx) {
      const text = texts.get(file);
      if (text === undefined) return undefined;
      idx = new LineIndex(text);
      indexes.set(file, idx);
    }
    return idx.positionAt(offset).line + 1;
  };
}

export function where(locate: Locate | undefined, file: string, offset: number): string {
  const line = locate?.(file, offset);
  return line === undefined ? file : `${file}:${line}`;
}
