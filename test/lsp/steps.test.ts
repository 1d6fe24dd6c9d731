/**
 * runStepsAcrossTurns (server/src/lsp/runSafe.ts): a core `…Steps` generator one step per turn
 * of the event loop. A request arriving meanwhile is served between two steps; a cancelled run
 * stops before its next step and still hands over to the caller's next item; an exception is
 * logged and ends the run.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import type { Connection } from 'vscode-languageserver';
import { runStepsAcrossTurns } from '../../server/src/lsp/runSafe';

function fakeConnection(errors: string[]): Connection {
  return { console: { error: (m: string) => errors.push(m) } } as unknown as Connection;
}

const run = (steps: () => Generator<void, number, void>, cancelled: () => boolean = () => false) =>
  new Promise<{ value?: number; errors: string[] }>((resolve) => {
    const errors: string[] = [];
    let value: number | undefined;
    runStepsAcrossTurns(fakeConnection(errors), 'test', steps, cancelled, (v) => (value = v), () => resolve({ value, errors }));
  });

test('steps run one per turn of the event loop: work queued meanwhile runs between them', async () => {
  const order: string[] = [];
  const done = run(function* () {
    for (let i = 0; i < 3; i++) {
      order.push(`step ${i}`);
      if (i === 0) setImmediate(() => order.push('request'));
      yield;
    }
    return 3;
  });
  const r = await done;
  assert.equal(r.value, 3);
  assert.deepEqual(order, ['step 0', 'request', 'step 1', 'step 2']);
});

test('a cancelled run stops before its next step, gives no value, and still calls `after`', async () => {
  let steps = 0;
  let stop = false;
  const r = await run(
    function* () {
      for (;;) {
        steps++;
        if (steps === 2) stop = true;
        yield;
      }
    },
    () => stop,
  );
  assert.equal(r.value, undefined);
  assert.equal(steps, 2);
});

test('an exception in a step is logged and ends the run', async () => {
  const r = await run(function* () {
    yield;
    throw new Error('boom');
  });
  assert.equal(r.value, undefined);
  assert.equal(r.errors.length, 1);
  assert.match(r.errors[0], /test failed: .*boom/);
});
