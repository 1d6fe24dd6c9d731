/**
 * Name, label and port syntax checks with the API server's messages
 * (k8s.io/apimachinery/pkg/api/validate/content and pkg/util/validation). Each returns the list
 * of messages the Go function returns, in the same order; empty means valid.
 *
 * Messages are `Localized` pairs: kubectl's English, and the current locale's translation.
 */
import { Localized, tPair } from '../l10n';

const DNS1123_LABEL_FMT = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const DNS1123_SUBDOMAIN_FMT = `${DNS1123_LABEL_FMT}(\\.${DNS1123_LABEL_FMT})*`;
const DNS1123_LABEL_RE = new RegExp(`^${DNS1123_LABEL_FMT}$`);
const DNS1123_SUBDOMAIN_RE = new RegExp(`^${DNS1123_SUBDOMAIN_FMT}$`);
const LABEL_KEY_FMT = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const LABEL_KEY_RE = new RegExp(`^${LABEL_KEY_FMT}$`);
const LABEL_VALUE_FMT = `(${LABEL_KEY_FMT})?`;
const LABEL_VALUE_RE = new RegExp(`^${LABEL_VALUE_FMT}$`);
const labelKeyMsg = (): Localized => tPair("must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character");

/** Length in bytes, as Go's len() counts a string. */
export function byteLength(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

export function maxLenError(n: number): Localized {
  return tPair('must be no more than {0} bytes', n);
}

function formatExamples(msg: Localized, re: string, examples: string[]): Localized {
  let out = `${msg.en} (e.g. `;
  examples.forEach((e, i) => {
    if (i > 0) out += ' or ';
    out += `'${e}', `;
  });
  const text = tPair("{0} (e.g. {1}; regex used for validation is '{2}')", msg, examples.map((e) => `'${e}'`).join(', '), re).text;
  return { en: `${out}regex used for validation is '${re}')`, text };
}

export function isDNS1123Label(value: string): Localized[] {
  const errs: Localized[] = [];
  if (byteLength(value) > 63) errs.push(maxLenError(63));
  if (!DNS1123_LABEL_RE.test(value)) {
    if (DNS1123_SUBDOMAIN_RE.test(value)) errs.push(tPair('must not contain dots'));
    else errs.push(formatExamples(tPair("a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character"), DNS1123_LABEL_FMT, ['my-name', '123-abc']));
  }
  return errs;
}

export function isDNS1123Subdomain(value: string): Localized[] {
  const errs: Localized[] = [];
  if (byteLength(value) > 253) errs.push(maxLenError(253));
  if (!DNS1123_SUBDOMAIN_RE.test(value)) {
    errs.push(formatExamples(tPair("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character"), DNS1123_SUBDOMAIN_FMT, ['example.com']));
  }
  return errs;
}

/**
 * maskTrailingDash, exactly as Go has it: a generateName prefix may end in '-'. The last two
 * characters become "a" (so "x_-" passes as "xa"), and a lone "-" is left as is (invalid). The
 * name generated from the prefix is validated separately, which catches what this lets through.
 */
function maskTrailingDash(name: string): string {
  return name.length > 1 && name.endsWith('-') ? name.slice(0, -2) + 'a' : name;
}

/** NameIsDNSSubdomain(name, prefix): a generateName prefix may end in '-'. */
export function nameIsDNSSubdomain(name: string, prefix: boolean): Localized[] {
  return isDNS1123Subdomain(prefix ? maskTrailingDash(name) : name);
}

export function nameIsDNSLabel(name: string, prefix: boolean): Localized[] {
  return isDNS1123Label(prefix ? maskTrailingDash(name) : name);
}

/** IsLabelKey (a "qualified name"): optional DNS subdomain prefix, '/', and a name of at most 63 bytes. */
export function isQualifiedName(value: string): Localized[] {
  const errs: Localized[] = [];
  const parts = value.split('/');
  let name: string;
  if (parts.length === 1) {
    name = parts[0];
  } else if (parts.length === 2) {
    const prefix = parts[0];
    name = parts[1];
    if (prefix.length === 0) errs.push(tPair('prefix part must be non-empty'));
    else errs.push(...isDNS1123Subdomain(prefix).map((m) => tPair('prefix part {0}', m)));
  } else {
    return [tPair("a valid label key {0} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')", formatExamples(labelKeyMsg(), LABEL_KEY_FMT, ['MyName', 'my.name', '123-abc']))];
  }
  if (name.length === 0) errs.push(tPair('name part must be non-empty'));
  else if (byteLength(name) > 63) errs.push(tPair('name part {0}', maxLenError(63)));
  if (!LABEL_KEY_RE.test(name)) errs.push(tPair('name part {0}', formatExamples(labelKeyMsg(), LABEL_KEY_FMT, ['MyName', 'my.name', '123-abc'])));
  return errs;
}

export function isValidLabelValue(value: string): Localized[] {
  const errs: Localized[] = [];
  if (byteLength(value) > 63) errs.push(maxLenError(63));
  if (!LABEL_VALUE_RE.test(value)) {
    errs.push(formatExamples(tPair("a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character"), LABEL_VALUE_FMT, ['MyValue', 'my_value', '12345']));
  }
  return errs;
}

export function isValidPortNum(port: number): Localized[] {
  return port >= 1 && port <= 65535 ? [] : [tPair('must be between 1 and 65535, inclusive')];
}

/** IsValidPortName: an IANA_SVC_NAME (at most 15 of [-a-z0-9], one letter, no '--', no edge '-'). */
export function isValidPortName(port: string): Localized[] {
  const errs: Localized[] = [];
  if (byteLength(port) > 15) errs.push(maxLenError(15));
  if (!/^[-a-z0-9]+$/.test(port)) errs.push(tPair('must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)'));
  if (!/[a-z]/.test(port)) errs.push(tPair('must contain at least one letter (a-z)'));
  if (port.includes('--')) errs.push(tPair('must not contain consecutive hyphens'));
  if (port.length > 0 && (port[0] === '-' || port[port.length - 1] === '-')) errs.push(tPair('must not begin or end with a hyphen'));
  return errs;
}
