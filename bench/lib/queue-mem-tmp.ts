import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { newIntentId, encodeHlc } from '@tallystick/core';
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const keep: unknown[] = [];
for (const mode of ['cons', 'flat-charCodeAt', 'flat-json']) {
  gc();
  const before = process.memoryUsage().heapUsed;
  const m = new Map<number, { id: string; hlc: string }>();
  for (let i = 0; i < 100_000; i++) {
    let id = newIntentId();
    let hlc = encodeHlc({ wall: 1_700_000_000_000 + i, counter: 0, node: 'bench' });
    if (mode === 'flat-charCodeAt') { id.charCodeAt(0); hlc.charCodeAt(0); }
    if (mode === 'flat-json') { id = JSON.parse(JSON.stringify(id)); hlc = JSON.parse(JSON.stringify(hlc)); }
    m.set(i, { id, hlc });
  }
  keep.push(m);
  gc();
  console.log(mode, Math.round((process.memoryUsage().heapUsed - before) / 100_000), 'bytes per entry');
}
