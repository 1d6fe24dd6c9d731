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

function fill(template: string, args: readonly unknown[]): string {
  return args.length ? template.replace(/\{(\d+)\}/g, (m, i: string) => (Number(i) < args.length ? String(args[Number(i)]) : m)) : template;
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

/** Messages asked for in a non-English locale that its bundle lacks (for the coverage test). */
export function missingTranslations(): string[] {
  return [...missing].sort();
}

export function clearMissingTranslations(): void {
  missing.clear();
}
