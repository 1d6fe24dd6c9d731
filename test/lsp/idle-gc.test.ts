/**
 * The idle collector (server/src/node/idleGc.ts): after heavy work it collects once the server has
 * been quiet for its delay; messages meanwhile postpone it; without heavy work it never runs.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { idleCollector } from '../../server/src/node/idleGc';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('collects once after heavy work and quiet, later than activity, never without work', async () => {
  const idle = idleCollector(40);
  assert.ok(idle, 'V8 lets the server reach its collector');
  await sleep(80);
  assert.equal(idle.runs, 0, 'no heavy work, no collection');
  idle.workDone();
  for (let i = 0; i < 5; i++) {
    await sleep(20);
    idle.activity();
  }
  assert.equal(idle.runs, 0, 'messages every 20 ms keep it waiting');
  await sleep(100);
  assert.equal(idle.runs, 1, 'quiet for its delay: one collection');
  await sleep(100);
  assert.equal(idle.runs, 1, 'once per piece of work');
});
