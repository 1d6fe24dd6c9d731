/**
 * Resolves YAML scalars the way Kubernetes reads them. kubectl and the API server decode YAML
 * with go-yaml v2 (YAML 1.1 rules) and then convert the result to JSON (sigs.k8s.io/yaml). So an
 * unquoted `yes`, `on` or `y` is a boolean, `1.10` is the number 1.1 and `0x1F` the integer 31,
 * while timestamps stay strings. This module mirrors go-yaml v2's resolver for plain scalars.
 */

export type ScalarValue =
  | { readonly type: 'string'; readonly value: string }
  | { readonly type: 'int'; readonly value: number; readonly big?: boolean }
  | { readonly type: 'float'; readonly value: number }
  | { readonly type: 'bool'; readonly value: boolean }
  | { readonly type: 'null' };

const TRUE = new Set(['y', 'Y', 'yes', 'Yes', 'YES', 'on', 'On', 'ON', 'true', 'True', 'TRUE']);
const FALSE = new Set(['n', 'N', 'no', 'No', 'NO', 'off', 'Off', 'OFF', 'false', 'False', 'FALSE']);
const NULL = new Set(['', '~', 'null', 'Null', 'NULL']);
const NAN = new Set(['.nan', '.NaN', '.NAN']);
const POS_INF = new Set(['.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF']);
const NEG_INF = new Set(['-.inf', '-.Inf', '-.INF']);

/** Go's strconv.ParseInt(s, 0, 64) accepted forms (after go-yaml removed underscores). */
const GO_INT = /^[+-]?(?:0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/;
/** go-yaml v2's yamlStyleFloat. */
const YAML_FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/;
const INT64_LIMIT = 2n ** 63n;
const UINT64_LIMIT = 2n ** 64n;

function parseGoInt(s: string): bigint | undefined {
  if (!GO_INT.test(s)) return undefined;
  let sign = 1n;
  let body = s;
  if (body[0] === '+' || body[0] === '-') {
    if (body[0] === '-') sign = -1n;
    body = body.slice(1);
  }
  let v: bigint;
  if (/^0[xX]/.test(body)) v = BigInt('0x' + body.slice(2));
  else if (/^0[oO]/.test(body)) v = BigInt('0o' + body.slice(2));
  else if (/^0[bB]/.test(body)) v = BigInt('0b' + body.slice(2));
  else if (body.length > 1 && body[0] === '0') v = BigInt('0o' + body.slice(1));
  else v = BigInt(body);
  return sign * v;
}

// Shared values (scalar values are never changed): a file is mostly strings and small numbers.
const TRUE_VALUE: ScalarValue = Object.freeze({ type: 'bool', value: true });
const FALSE_VALUE: ScalarValue = Object.freeze({ type: 'bool', value: false });
const NULL_VALUE: ScalarValue = Object.freeze({ type: 'null' });
/** A decimal integer Go reads the same way as a JavaScript number: no sign, no leading zero (octal), at most 15 digits. */
const SMALL_DECIMAL = /^(?:0|[1-9][0-9]{0,14})$/;

/** Resolves a plain (unquoted, untagged) scalar as go-yaml v2 does. */
export function resolvePlain(text: string): ScalarValue {
  const c = text.charCodeAt(0);
  if (c >= 48 && c <= 57 && SMALL_DECIMAL.test(text)) return { type: 'int', value: Number(text) };
  if (TRUE.has(text)) return TRUE_VALUE;
  if (FALSE.has(text)) return FALSE_VALUE;
  if (NULL.has(text)) return NULL_VALUE;
  if (NAN.has(text)) return { type: 'float', value: NaN };
  if (POS_INF.has(text)) return { type: 'float', value: Infinity };
  if (NEG_INF.has(text)) return { type: 'float', value: -Infinity };
  const hint = (c >= 48 && c <= 57) || c === 43 || c === 45 || c === 46; // digit + - .
  if (!hint) return { type: 'string', value: text };
  const plain = text.replace(/_/g, '');
  const n = parseGoInt(plain);
  if (n !== undefined) {
    if (n >= -INT64_LIMIT && n < INT64_LIMIT) return { type: 'int', value: Number(n) };
    if (n >= 0n && n < UINT64_LIMIT) return { type: 'int', value: Number(n), big: true };
  }
  if (YAML_FLOAT.test(plain)) return { type: 'float', value: Number(plain) };
  return { type: 'string', value: text };
}

/** Resolves a scalar with an explicit tag (`!!int "80"`); unknown tags read as strings. */
export function resolveTagged(tag: string, text: string): ScalarValue {
  switch (tag) {
    case 'tag:yaml.org,2002:str':
      return { type: 'string', value: text };
    case 'tag:yaml.org,2002:null':
      return { type: 'null' };
    case 'tag:yaml.org,2002:bool':
    case 'tag:yaml.org,2002:int':
    case 'tag:yaml.org,2002:float':
      return resolvePlain(text);
    default:
      return { type: 'string', value: text };
  }
}

/** The string sigs.k8s.io/yaml makes of a non-string map key (YAML `yes:` becomes "true"). */
export function keyString(v: ScalarValue): string {
  switch (v.type) {
    case 'string':
      return v.value;
    case 'bool':
      return v.value ? 'true' : 'false';
    case 'null':
      return 'null';
    case 'int':
      return String(v.value);
    case 'float':
      return goFormatFloat(v.value);
  }
}

/** Renders a float like Go's strconv.FormatFloat(f, 'g', -1, 64) for the common cases. */
export function goFormatFloat(f: number): string {
  if (Number.isNaN(f)) return 'NaN';
  if (f === Infinity) return '+Inf';
  if (f === -Infinity) return '-Inf';
  const exp = f === 0 ? 0 : Math.floor(Math.log10(Math.abs(f)));
  if (exp < -4 || exp >= 21) {
    const s = f.toExponential();
    return s.replace(/e([+-])(\d)$/, 'e$10$2');
  }
  return String(f);
}
