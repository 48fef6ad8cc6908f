import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isJsonMediaType, MAX_BODY_DEPTH, nestingDepth, readJsonInput } from '../src/lib/json-input.js';

const bytes = (text: string) => new TextEncoder().encode(text);

function depthOf(value: unknown): number {
  if (value === null || typeof value !== 'object') return 0;
  const children = Array.isArray(value) ? value : Object.values(value);
  return 1 + Math.max(0, ...children.map(depthOf));
}

describe('the body checks of the HTTP wrappers', () => {
  it('law: the byte scan measures exactly the nesting of the JSON, brackets inside strings ignored', () => {
    const tricky = fc.constantFrom('[', ']', '{', '}', '"', '\\', '\\"[', 'a"b{');
    const value = fc.letrec((tie) => ({
      node: fc.oneof(
        { depthSize: 'small' },
        fc.oneof(fc.string(), tricky, fc.integer(), fc.constant(null)),
        fc.array(tie('node'), { maxLength: 3 }),
        fc.dictionary(fc.oneof(fc.string(), tricky), tie('node'), { maxKeys: 3 }),
      ),
    })).node;
    fc.assert(
      fc.property(value, (v) => {
        expect(nestingDepth(bytes(JSON.stringify(v)))).toBe(depthOf(v));
      }),
      { numRuns: 1000 },
    );
  });

  it('accepts exactly MAX_BODY_DEPTH levels and refuses one more, without parsing', () => {
    const nest = (d: number) => '['.repeat(d) + ']'.repeat(d);
    expect(readJsonInput(bytes(nest(MAX_BODY_DEPTH)), 'application/json', 1e6).ok).toBe(true);
    const refused = readJsonInput(bytes(nest(MAX_BODY_DEPTH + 1)), 'application/json', 1e6);
    expect(refused.ok || refused.response.status).toBe(400);
    // A string full of brackets is shallow.
    expect(readJsonInput(bytes(JSON.stringify({ s: '['.repeat(5000) })), 'application/json', 1e6).ok).toBe(
      true,
    );
  });

  it('takes application/json and any application/*+json, parameters and case aside, and nothing else', () => {
    for (const ok of ['application/json', 'Application/JSON; charset=utf-8', 'application/merge-patch+json'])
      expect(isJsonMediaType(ok), ok).toBe(true);
    for (const bad of [null, undefined, '', 'text/plain', 'application/jsonx', 'text/json', 'json', '+json'])
      expect(isJsonMediaType(bad), String(bad)).toBe(false);
  });
});
