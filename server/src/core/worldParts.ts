/**
 * The World read in pieces: a piece is a whole file or a run of its YAML documents, analysed for
 * the World only (analyze.ts purpose `world`) and compiled at once into plain data, so its parse
 * tree is garbage before the next piece is read (the CLI reads large inputs this way: the
 * collector then copies compiled policies, not trees). Joined in file order, the parts give the
 * World `buildWorkspace` gives, as long as no part expanded an alias (aliases count against
 * per-file and per-run budgets, which cutting a file would change): callers check `aliasNodes`
 * and read the whole files otherwise. A file with a directive line (`%YAML`, `%TAG`: they belong
 * to the document after them) is never cut.
 */
import { analyzeDocuments } from './analyze';
import { documentStarts, placeInventory } from './incremental';
import { extractInventory, Inventory, mergeInventories } from './model/inventory';
import { compilePolicies, CompiledPolicy, RejectedPolicy } from './semantics/compile';
import { buildWorld, World } from './semantics/evaluate';
import { DEFAULT_LIMITS, newAliasBudget, parseYamlStream } from './syntax/tree';

/** A piece of input: `text` is the file's text from offset `start` on (a run of whole documents). */
export interface WorldPiece {
  readonly file: string;
  readonly text: string;
  readonly start: number;
}

export interface WorldPart {
  readonly policies: readonly CompiledPolicy[];
  readonly rejected: readonly RejectedPolicy[];
  readonly inventory: Inventory;
  /** Alias nodes its parse expanded. */
  readonly aliasNodes: number;
}

/** Analyses and compiles one piece; every span is the file's (the piece's offset added). */
export function analyzeWorldPart(piece: WorldPiece): WorldPart {
  const aliases = newAliasBudget();
  aliases.current = piece.file;
  const docs = parseYamlStream(piece.text, DEFAULT_LIMITS, aliases);
  const { policies } = analyzeDocuments(piece.text, docs, {}, 'world');
  const compiled = compilePolicies(policies.map((p) => ({ policy: piece.start ? { ...p, base: p.base + piece.start } : p, file: piece.file })));
  return { ...compiled, inventory: placeInventory(extractInventory(docs, piece.file), piece.start), aliasNodes: aliases.spent };
}

/** The World of the parts, in their order. */
export function worldFromParts(parts: readonly WorldPart[]): World {
  return buildWorld(mergeInventories(parts.map((p) => p.inventory)), { policies: parts.flatMap((p) => p.policies), rejected: parts.flatMap((p) => p.rejected) });
}

/** Cuts files into pieces of about `size` characters, at document markers (files with a directive line stay whole). */
export function worldPieces(files: readonly { readonly file: string; readonly text: string }[], size: number): WorldPiece[] {
  const out: WorldPiece[] = [];
  for (const f of files) {
    if (f.text.length <= size || /^%/m.test(f.text)) {
      out.push({ file: f.file, text: f.text, start: 0 });
      continue;
    }
    const starts = documentStarts(f.text);
    let from = 0;
    for (let i = 1; i < starts.length; i++) {
      if (starts[i] - from >= size) {
        out.push({ file: f.file, text: f.text.slice(from, starts[i]), start: from });
        from = starts[i];
      }
    }
    out.push({ file: f.file, text: f.text.slice(from), start: from });
  }
  return out;
}

/**
 * The World of `files` read in pieces of about `size` characters, or undefined when some piece
 * expanded an alias (then read the whole files: the alias budgets are per file and per run).
 */
export function worldInPieces(files: readonly { readonly file: string; readonly text: string }[], size: number): World | undefined {
  const parts: WorldPart[] = [];
  for (const piece of worldPieces(files, size)) {
    const part = analyzeWorldPart(piece);
    if (part.aliasNodes > 0) return undefined;
    parts.push(part);
  }
  return worldFromParts(parts);
}
