/**
 * Paths as the user reads them in the editor's read-only documents (describe, verification plan):
 * workspace-relative instead of `file:///…` URIs; and the glob of the files the server watches.
 */
import * as path from 'path';
import { pathToFileURL } from 'url';
import { LineIndex, Locate } from '../core';

/** The files the server asks a client to watch (dynamic registration of workspace/didChangeWatchedFiles). */
export const WATCHED_FILES = '**/*.{yaml,yml,json}';

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * `text` with every `file://` URI under one of `folders` (file-system paths) written relative to
 * it: `examples/allow.yaml:12` for `file:///work/repo/examples/allow.yaml:12`; with several
 * folders, prefixed by the folder's name. URIs elsewhere are left as they are.
 */
export function relativizeText(text: string, folders: readonly string[]): string {
  let out = text;
  // Longest first, so that a folder nested in another wins.
  const sorted = [...folders].sort((a, b) => b.length - a.length);
  for (const folder of sorted) {
    const base = pathToFileURL(folder).href.replace(/\/$/, '') + '/';
    const prefix = folders.length > 1 ? path.basename(folder) + '/' : '';
    out = out.replace(new RegExp(escapeRegExp(base) + `([^\\s:()'",]+)`, 'g'), (_, rest: string) => {
      try {
        return prefix + decodeURIComponent(rest);
      } catch {
        return prefix + rest;
      }
    });
  }
  return out;
}

/** A Locate (1-based line of an offset) over the texts `textOf` finds (open documents, then files read from disk). */
export function lineLocatorOf(textOf: (uri: string) => string | undefined): Locate {
  const indexes = new Map<string, LineIndex>();
  return (file, offset) => {
    let idx = indexes.get(file);
    if (!idx) {
      const text = textOf(file);
      if (text === undefined) return undefined;
      idx = new LineIndex(text);
      indexes.set(file, idx);
    }
    return idx.positionAt(offset).line + 1;
  };
}
