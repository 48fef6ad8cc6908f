import { readFileSync } from 'node:fs';
import { createManualClock, intentEnvelopeSchema } from '@tallystick/core';
import { parseIntent, intentPayloadSchemas, type Intent } from '@tallystick/reconcile';
import { z } from 'zod';
import { BACKLOG_START } from './test/support/backlog.js';
import { screen } from './src/lib/prepare.js';
import { fingerprintOf } from './src/lib/fingerprint.js';
const items = JSON.parse(readFileSync('/tmp/backlog100k.json', 'utf8')).slice(0, 100000);
const clock = createManualClock(BACKLOG_START + 1e9);
const env = intentEnvelopeSchema.extend({ payload: z.unknown() });
const w = (label: string, f: () => void) => { const t = performance.now(); f(); console.log(label, ((performance.now() - t) * 1000 / items.length).toFixed(2)); };
let parsed: Intent[] = [];
for (let k = 0; k < 3; k++) {
w('env', () => { for (const i of items) env.safeParse(i); });
w('payload', () => { for (const i of items) (intentPayloadSchemas as any)[i.type].safeParse(i.payload); });
w('parse', () => { parsed = items.map((i: unknown) => (parseIntent(i) as { intent: Intent }).intent); });
w('fp', () => { for (const p of parsed) fingerprintOf(p); });
w('screen', () => { for (let i = 0; i < items.length; i += 1000) screen(items.slice(i, i + 1000), clock, 1e9); });
}
