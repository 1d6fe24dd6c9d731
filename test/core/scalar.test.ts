/**
 * Plain scalars resolve as go-yaml v2 resolves them (syntax/scalar.ts), including through the
 * shortcut for small decimal integers (read without BigInt) and the shared bool/null values:
 * every form around the shortcut's edges keeps go-yaml's answer, and the shared values cannot
 * be changed by a caller.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { resolvePlain } from '../../server/src/core/syntax/scalar';

test('plain scalars: decimal integers on both sides of the shortcut, octal, hex, signs, floats and the YAML 1.1 words', () => {
  const cases: [string, unknown][] = [
    ['0', { type: 'int', value: 0 }],
    ['7', { type: 'int', value: 7 }],
    ['8080', { type: 'int', value: 8080 }],
    ['999999999999999', { type: 'int', value: 999999999999999 }], // 15 digits: the shortcut
    ['1234567890123456', { type: 'int', value: 1234567890123456 }], // 16 digits: the general path
    ['9223372036854775807', { type: 'int', value: 9223372036854775807 }], // int64 max
    ['9223372036854775808', { type: 'int', value: 9223372036854775808, big: true }], // uint64 only
    ['0755', { type: 'int', value: 493 }], // a leading zero is octal (Go's base 0)
    ['08', { type: 'float', value: 8 }], // not octal, not an int: go-yaml reads it as a float
    ['0x1F', { type: 'int', value: 31 }],
    ['+5', { type: 'int', value: 5 }],
    ['-5', { type: 'int', value: -5 }],
    ['1_000', { type: 'int', value: 1000 }],
    ['1.10', { type: 'float', value: 1.1 }],
    ['80a', { type: 'string', value: '80a' }],
    ['yes', { type: 'bool', value: true }],
    ['off', { type: 'bool', value: false }],
    ['~', { type: 'null' }],
    ['web', { type: 'string', value: 'web' }],
  ];
  for (const [text, want] of cases) assert.deepEqual(resolvePlain(text), want, text);
});

test('the shared bool and null values are frozen: a caller cannot change what every scalar reads', () => {
  const v = resolvePlain('true');
  assert.equal(resolvePlain('yes'), v, 'one shared value');
  assert.ok(Object.isFrozen(v) && Object.isFrozen(resolvePlain('null')) && Object.isFrozen(resolvePlain('no')));
  assert.throws(() => {
    (v as { value: boolean }).value = false;
  }, TypeError);
});
