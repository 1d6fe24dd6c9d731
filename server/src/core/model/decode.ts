/**
 * Decodes a YAML object into the typed model the way the API server decodes a request body:
 * driven by the JSON Schema in schemas/, strict about unknown fields, and with the Go JSON
 * decoder's type rules (a string field rejects booleans and numbers, int32 fields reject
 * fractions and out-of-range numbers). Type errors and unknown fields are recorded as facts for
 * the rules to report; the value keeps only what decoded cleanly. Never throws.
 */
import schemaJson from '../../../../schemas/networkpolicy.schema.json';
import type { Span } from '../text';
import type { YEntry, YNode, YScalar } from '../syntax/tree';
import type { FieldSpans, SpanIndex } from './types';
import { Localized, tPair } from '../l10n';

/** The subset of JSON Schema (plus the x- extensions) that schemas/networkpolicy.schema.json uses. */
export interface Schema {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, Schema>;
  additionalProperties?: boolean | Schema;
  items?: Schema;
  'x-go-struct'?: string;
  'x-go-type'?: string;
  'x-kubernetes-int-or-string'?: boolean;
  'x-free-form'?: boolean;
  'x-go-pointer'?: boolean;
  description?: string;
  enum?: string[];
  format?: string;
}

const ROOT = schemaJson as unknown as Schema & { $defs: Record<string, Schema> };

/** Resolved `$ref`s, per referring schema object (the schema is immutable JSON: resolve once). */
const RESOLVED = new WeakMap<Schema, Schema>();

export function resolveSchema(s: Schema): Schema {
  if (!s.$ref) return s;
  let r = RESOLVED.get(s);
  if (!r) {
    const target = ROOT.$defs[s.$ref.replace('#/$defs/', '')];
    r = { ...target, description: s.description ?? target.description };
    RESOLVED.set(s, r);
  }
  return r;
}

const TYPES = new WeakMap<Schema, readonly (string | undefined)[]>();

/** A schema's `type` as a list (cached). */
function typesOf(schema: Schema): readonly (string | undefined)[] {
  let t = TYPES.get(schema);
  if (!t) {
    t = Array.isArray(schema.type) ? schema.type : [schema.type];
    TYPES.set(schema, t);
  }
  return t;
}

export function rootSchema(): Schema {
  return ROOT;
}

export interface TypeErrorFact {
  readonly path: string;
  readonly span: Span;
  /** The Go decoder's message, without the "json: " prefix's context. */
  readonly message: string;
  /** The message as a pair (English, current locale). */
  readonly detail: Localized;
  /** Set when a plain scalar was read as a bool/number/null where a string was expected. */
  readonly implicit?: { readonly text: string; readonly resolvedAs: 'bool' | 'int' | 'float' };
  /** Whether the field takes a string (so quoting the value is a fix). */
  readonly wantsString: boolean;
}

export interface UnknownFieldFact {
  readonly path: string;
  readonly key: string;
  readonly span: Span;
  /** The key as written when YAML 1.1 turned it into something else (`on` -> "true"). */
  readonly writtenAs?: string;
}

export interface CoercedKeyFact {
  readonly path: string;
  readonly key: string;
  readonly writtenAs: string;
  readonly span: Span;
}

export interface Decoded<T> {
  readonly value: T;
  readonly spans: SpanIndex;
  readonly typeErrors: readonly TypeErrorFact[];
  readonly unknownFields: readonly UnknownFieldFact[];
  readonly coercedKeys: readonly CoercedKeyFact[];
}

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

class Decoder {
  readonly spans = new Map<string, FieldSpans>();
  readonly typeErrors: TypeErrorFact[] = [];
  readonly unknownFields: UnknownFieldFact[] = [];
  readonly coercedKeys: CoercedKeyFact[] = [];

  /** jsonKind is how the Go JSON decoder names the value it got. */
  private jsonKind(node: YNode): string {
    if (node.kind === 'map') return 'object';
    if (node.kind === 'seq') return 'array';
    switch (node.value.type) {
      case 'bool':
        return 'bool';
      case 'int':
        return `number`;
      case 'float':
        return 'number';
      case 'null':
        return 'null';
      default:
        return 'string';
    }
  }

  private target(goStruct: string | undefined, goPath: string, goType: string): Localized {
    return goStruct ? tPair('Go struct field {0} of type {1}', `${goStruct}.${goPath}`, goType) : tPair('Go value of type {0}', goType);
  }

  private typeError(path: string, node: YNode, goStruct: string | undefined, goPath: string, goType: string, numberText?: string, wantsString = false): void {
    const kind = this.jsonKind(node);
    const got = numberText !== undefined ? tPair('number {0}', numberText) : kind;
    let implicit: TypeErrorFact['implicit'];
    if (node.kind === 'scalar' && node.style === 'plain' && (node.value.type === 'bool' || node.value.type === 'int' || node.value.type === 'float')) {
      implicit = { text: node.text, resolvedAs: node.value.type };
    }
    const detail = tPair('json: cannot unmarshal {0} into {1}', got, this.target(goStruct, goPath, goType));
    this.typeErrors.push({ path, span: node.span, message: detail.en, detail, implicit, wantsString });
  }

  /**
   * `reportPath` is the field path errors name: the value's own path, except inside a map
   * (matchLabels, labels), where Kubernetes names the map field itself, not the entry.
   */
  decode(node: YNode | undefined, schema0: Schema, path: string, goStruct: string | undefined, goPath: string, keySpan?: Span, reportPath = path): unknown {
    if (!node) return undefined;
    const schema = resolveSchema(schema0);
    const goType = schema['x-go-type'] ?? 'interface {}';
    this.spans.set(path, keySpan ? { value: node.span, key: keySpan } : { value: node.span });
    if (node.kind === 'scalar' && node.value.type === 'null') return schemaAcceptsString(schema) && !schema['x-go-pointer'] ? '' : undefined;

    if (schema['x-kubernetes-int-or-string']) return this.decodeIntOrString(node, reportPath);
    const types = typesOf(schema);
    if (types.includes('string')) {
      if (node.kind === 'scalar' && node.value.type === 'string') return node.value.value;
      this.typeError(reportPath, node, goStruct, goPath, goType, undefined, true);
      return undefined;
    }
    if (types.includes('integer')) return this.decodeInt(node, reportPath, goStruct, goPath, goType, schema.format === 'int32');
    if (types.includes('boolean')) {
      if (node.kind === 'scalar' && node.value.type === 'bool') return node.value.value;
      this.typeError(reportPath, node, goStruct, goPath, goType);
      return undefined;
    }
    if (types.includes('array')) {
      if (node.kind !== 'seq') {
        this.typeError(reportPath, node, goStruct, goPath, goType);
        return undefined;
      }
      const out: unknown[] = [];
      node.items.forEach((item, i) => {
        const v = this.decode(item, schema.items ?? {}, `${path}[${i}]`, goStruct, goPath);
        out.push(v ?? defaultFor(schema.items ?? {}));
      });
      return out;
    }
    if (types.includes('object')) {
      if (node.kind !== 'map') {
        this.typeError(reportPath, node, goStruct, goPath, goType);
        return undefined;
      }
      if (schema['x-free-form']) return {};
      if (schema.properties) return this.decodeStruct(node.entries, schema, path, goPath);
      if (schema.additionalProperties && typeof schema.additionalProperties === 'object') {
        return this.decodeMap(node.entries, schema.additionalProperties, path, goStruct, goPath);
      }
      return {};
    }
    return undefined;
  }

  private decodeStruct(entries: readonly YEntry[], schema: Schema, path: string, goPath: string): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    const goStruct = schema['x-go-struct'];
    for (const e of entries) {
      const childPath = path ? `${path}.${e.key}` : e.key;
      const prop = schema.properties?.[e.key];
      if (!prop) {
        const writtenAs = e.keyNode && e.keyNode.value.type !== 'string' ? e.keyNode.text : undefined;
        this.unknownFields.push({ path: childPath, key: e.key, span: e.keySpan, writtenAs });
        continue;
      }
      const childGoPath = goPath ? `${goPath}.${e.key}` : e.key;
      if (!e.value) {
        this.spans.set(childPath, { value: e.keySpan, key: e.keySpan });
        continue;
      }
      const v = this.decode(e.value, prop, childPath, goStruct, childGoPath, e.keySpan);
      if (v !== undefined) out[e.key] = v;
    }
    return out;
  }

  private decodeMap(entries: readonly YEntry[], valueSchema: Schema, path: string, goStruct: string | undefined, goPath: string): Record<string, string> {
    const out: Record<string, string> = {};
    for (const e of entries) {
      const childPath = `${path}[${e.key}]`;
      if (e.keyNode && e.keyNode.value.type !== 'string' && e.keyNode.style === 'plain') {
        this.coercedKeys.push({ path: childPath, key: e.key, writtenAs: e.keyNode.text, span: e.keySpan });
      }
      if (!e.value) {
        this.spans.set(childPath, { value: e.keySpan, key: e.keySpan });
        out[e.key] = '';
        continue;
      }
      const v = this.decode(e.value, valueSchema, childPath, goStruct, goPath, e.keySpan, path);
      if (typeof v === 'string') out[e.key] = v;
    }
    return out;
  }

  private decodeInt(node: YNode, path: string, goStruct: string | undefined, goPath: string, goType: string, int32: boolean): number | undefined {
    if (node.kind === 'scalar' && (node.value.type === 'int' || node.value.type === 'float')) {
      const n = node.value.value;
      const integral = Number.isFinite(n) && Math.trunc(n) === n;
      const inRange = int32 ? n >= INT32_MIN && n <= INT32_MAX : Math.abs(n) <= Number.MAX_SAFE_INTEGER * 1024;
      if (integral && inRange && !(node.value.type === 'int' && node.value.big)) return n;
      this.typeError(path, node, goStruct, goPath, goType, numberText(node));
      return undefined;
    }
    this.typeError(path, node, goStruct, goPath, goType);
    return undefined;
  }

  /** intstr.IntOrString: a JSON string is a name, anything else must decode as int32. */
  private decodeIntOrString(node: YNode, path: string): number | string | undefined {
    if (node.kind === 'scalar' && node.value.type === 'string') return node.value.value;
    if (node.kind === 'scalar' && (node.value.type === 'int' || node.value.type === 'float')) {
      const n = node.value.value;
      if (Number.isFinite(n) && Math.trunc(n) === n && n >= INT32_MIN && n <= INT32_MAX && !(node.value.type === 'int' && node.value.big)) return n;
      this.typeError(path, node, undefined, '', 'int32', numberText(node));
      return undefined;
    }
    this.typeError(path, node, undefined, '', 'int32', undefined, node.kind === 'scalar' && node.value.type === 'bool');
    return undefined;
  }
}

function numberText(node: YScalar): string {
  if (node.value.type === 'float' || node.value.type === 'int') {
    const n = node.value.value;
    return Number.isInteger(n) && Math.abs(n) < 1e21 ? BigInt(n).toString() : String(n);
  }
  return node.text;
}

function schemaAcceptsString(schema: Schema): boolean {
  const types = typesOf(schema);
  return types.includes('string');
}

function defaultFor(schema0: Schema): unknown {
  const schema = resolveSchema(schema0);
  const types = typesOf(schema);
  if (types.includes('object')) return {};
  if (types.includes('string')) return '';
  return undefined;
}

/** Decodes `node` against the schema of a whole NetworkPolicy object. */
export function decodeObject<T>(node: YNode): Decoded<T> {
  const d = new Decoder();
  const value = (d.decode(node, ROOT, '', undefined, '') ?? {}) as T;
  return { value, spans: d.spans, typeErrors: d.typeErrors, unknownFields: d.unknownFields, coercedKeys: d.coercedKeys };
}
