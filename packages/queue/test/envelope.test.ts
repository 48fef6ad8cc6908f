import { createHlc, type IntentEnvelope, isTallystickError, type JsonValue } from '@tallystick/core';
import { intentEnvelopeSchema } from '@tallystick/core/schemas';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildEnvelope, callerFieldsValid } from '../src/lib/envelope.js';
import { envelopeJson } from '../src/lib/envelope-json.js';
import { decodeFrame } from '../src/lib/file-frame.js';
import { appendFrames, parseEnqueueEnvelope, splitEnqueue } from '../src/lib/file-records.js';

const clockAt = (t: number) => ({ now: () => t });
const context = (device = 'till-1') => ({
  device,
  hlc: createHlc({ node: device, clock: clockAt(1_700_000_000_000) }),
  clock: clockAt(1_700_000_000_000),
  maxPayloadBytes: 65_536,
});

// Types and keys near the edges of what the schema allows, plus arbitrary junk.
const typeArb = fc.oneof(
  fc.stringMatching(/^[a-z][a-z0-9_.-]{0,63}$/),
  fc.string({ maxLength: 70 }),
  fc.constantFrom('', 'Sale', '1sale', 'a'.repeat(64), 'a'.repeat(65), 'sale\n'),
  fc.anything(),
);
const keyArb = fc.oneof(
  fc.constant(undefined),
  fc.string({ maxLength: 130 }),
  fc.string({ unit: 'grapheme', minLength: 60, maxLength: 70 }),
  fc.constantFrom('', 'k'.repeat(128), 'k'.repeat(129), '"\\\u2028'),
  fc.anything(),
);
const createdArb = fc.oneof(
  fc.integer({ min: 0 }),
  fc.double(),
  fc.constantFrom(-1, 2 ** 53, Number.MAX_SAFE_INTEGER),
);

describe('the envelope builder', () => {
  it('law: the hand check of the caller fields never accepts what the envelope schema refuses', () => {
    fc.assert(
      fc.property(typeArb, keyArb, createdArb, (type, partitionKey, createdAt) => {
        if (!callerFieldsValid(type, partitionKey, createdAt)) return;
        const draft: Record<string, unknown> = {
          id: '00000000-0000-7000-8000-000000000000',
          type,
          device: 'till-1',
          hlc: '0000000000000000-x',
          createdAt,
          payload: null,
        };
        if (partitionKey !== undefined) draft.partitionKey = partitionKey;
        expect(intentEnvelopeSchema.safeParse(draft).success).toBe(true);
      }),
      { numRuns: 20_000 },
    );
  });

  it('law: the JSON text written for an envelope parses back to that envelope, through a file frame too', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[a-z][a-z0-9_.-]{0,63}$/),
        fc.option(fc.string({ minLength: 1, maxLength: 128 }), { nil: undefined }),
        fc.jsonValue(),
        fc.stringMatching(/^[0-9A-Za-z._~-]{1,64}$/),
        (type, partitionKey, payload, device) => {
          const input = { type, payload: payload as JsonValue, ...(partitionKey ? { partitionKey } : {}) };
          const envelope = buildEnvelope(input, context(device));
          expect(JSON.parse(envelopeJson(envelope))).toEqual(envelope);
          expect(intentEnvelopeSchema.safeParse(JSON.parse(envelopeJson(envelope))).success).toBe(true);
          const [frame] = appendFrames([envelope], 7, 1_700_000_000_001);
          const decoded = decodeFrame(frame!, 0);
          if (typeof decoded === 'string') throw new Error(`frame did not decode: ${decoded}`);
          expect(parseEnqueueEnvelope(decoded.body)).toEqual(envelope);
          const { header } = splitEnqueue(decoded.body);
          expect(header).toEqual({
            s: 7,
            i: envelope.id,
            h: envelope.hlc,
            c: envelope.createdAt,
            t: 1_700_000_000_001,
            ...(partitionKey ? { k: partitionKey } : {}),
          });
        },
      ),
      { numRuns: 2_000 },
    );
  });

  it('keeps the remembered text out of sight: JSON, keys, spreading and structured clones', () => {
    const envelope = buildEnvelope({ type: 'sale', payload: { a: 1 } }, context());
    expect(Object.keys(envelope)).toEqual(['id', 'type', 'device', 'hlc', 'createdAt', 'payload']);
    expect(JSON.stringify(envelope)).toBe(JSON.stringify({ ...envelope }));
    expect(structuredClone(envelope)).toEqual({ ...envelope });
    expect(Object.getOwnPropertySymbols({ ...envelope })).toEqual([]);
    expect(Object.isFrozen(envelope)).toBe(true);
  });

  it('serializes envelopes it did not build with JSON.stringify', () => {
    const foreign: IntentEnvelope = {
      id: '00000000-0000-7000-8000-000000000000',
      type: 'sale',
      device: 'd',
      hlc: '0000000000000000-d',
      createdAt: 0,
      payload: { z: 1, a: 2 },
    };
    expect(envelopeJson(foreign)).toBe(JSON.stringify(foreign));
  });

  it('refuses bad caller fields with the schema message, before stamping', () => {
    const ctx = context();
    const before = ctx.hlc.now();
    for (const [input, message] of [
      [{ type: 'Sale', payload: {} }, /type must be/],
      [{ type: 'sale', payload: {}, partitionKey: '' }, /partitionKey/],
      [{ type: 7, payload: {} }, /type/],
    ] as const) {
      const error = (() => {
        try {
          buildEnvelope(input as never, ctx);
        } catch (e) {
          return e;
        }
      })();
      expect(isTallystickError(error, 'ERR_SCHEMA')).toBe(true);
      expect((error as Error).message).toMatch(message);
    }
    // Only the probe above ticked the clock: refusals never stamp.
    expect(ctx.hlc.now().counter).toBe(before.counter + 1);
  });
});
