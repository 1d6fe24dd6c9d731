/**
 * Localisation of the core's user-facing strings (diagnostics, fix titles, hovers, plans).
 *
 * `t('Insert {0}', label)` looks the English message up in the bundle of the current locale and
 * fills `{0}`, `{1}`, … with the arguments. The bundles use VS Code's l10n format
 * (`server/l10n/bundle.l10n.<locale>.json`: English message → translation) and are bundled into
 * the server and CLI, so the core still reads no files.
 *
 * The locale is process-wide configuration, set once at start-up (the server from
 * InitializeParams.locale, the CLI from --locale or LANG) — the one deliberate exception to the
 * core's "no globals" rule, the same model as vscode.l10n. English needs no bundle.
 */
import ko from '../../l10n/bundle.l10n.ko.json';

type Bundle = Readonly<Record<string, string>>;

const BUNDLES: Readonly<Record<string, Bundle>> = { ko };

let current: Bundle | undefined;
let currentLocale = 'en';
const missing = new Set<string>();

/** The bundle language for a BCP 47 tag or POSIX locale ("ko", "ko-KR", "ko_KR.UTF-8" → "ko"). */
export function normalizeLocale(locale: string | undefined): string {
  const lang = (locale ?? '').trim().toLowerCase().split(/[-_.@]/)[0];
  return lang && BUNDLES[lang] ? lang : 'en';
}

/** Sets the process's locale; unknown locales fall back to English. Returns the locale in effect. */
export function setLocale(locale: string | undefined): string {
  currentLocale = normalizeLocale(locale);
  current = BUNDLES[currentLocale];
  return currentLocale;
}

export function getLocale(): string {
  return currentLocale;
}

/** Templates split at their `{n}` placeholders: text at even places, argument numbers at odd ones (memo: the templates are the bundles' and the code's literals). */
const PARTS = new Map<string, readonly (string | number)[]>();

function partsOf(template: string): readonly (string | number)[] {
  let parts = PARTS.get(template);
  if (!parts) {
    const out: (string | number)[] = [];
    const re = /\{(\d+)\}/g;
    let last = 0;
    for (let m = re.exec(template); m; m = re.exec(template)) {
      out.push(template.slice(last, m.index), Number(m[1]));
      last = m.index + m[0].length;
    }
    out.push(template.slice(last));
    if (PARTS.size >= 4096) PARTS.clear(); // a bound, should a caller ever pass text that is not a literal
    PARTS.set(template, (parts = out));
  }
  return parts;
}

function fill(template: string, args: readonly unknown[]): string {
  if (!args.length) return template;
  const parts = partsOf(template);
  let s = parts[0] as string;
  for (let i = 1; i < parts.length; i += 2) {
    const n = parts[i] as number;
    s += (n < args.length ? String(args[n]) : `{${n}}`) + (parts[i + 1] as string);
  }
  return s;
}

/** The message in the current locale, with `{n}` replaced by `args[n]`. */
export function t(message: string, ...args: unknown[]): string {
  if (!current) return fill(message, args);
  const translated = current[message];
  if (translated === undefined) {
    missing.add(message);
    return fill(message, args);
  }
  return fill(translated, args);
}

/** A message both in English and in the current locale (for wording that mirrors kubectl). */
export interface Localized {
  readonly en: string;
  readonly text: string;
}

function isLocalized(a: unknown): a is Localized {
  return typeof a === 'object' && a !== null && typeof (a as Localized).en === 'string' && typeof (a as Localized).text === 'string';
}

/** `t()` that keeps the English too; Localized arguments fill each side with their own side. */
export function tPair(message: string, ...args: unknown[]): Localized {
  return {
    en: fill(message, args.map((a) => (isLocalized(a) ? a.en : a))),
    text: t(message, ...args.map((a) => (isLocalized(a) ? a.text : a))),
  };
}

/** Text shown in English exactly as kubectl prints it; other locales add the English after the translation. */
export function kubectlText(m: Localized): string {
  return !current || m.text === m.en ? m.en : `${m.text} (kubectl: ${m.en})`;
}

/** Messages asked for in a non-English locale that its bundle lacks (for the coverage test). */
export function missingTranslations(): string[] {
  return [...missing].sort();
}

export function clearMissingTranslations(): void {
  missing.clear();
}
