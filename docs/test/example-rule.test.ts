/**
 * The rule scripts/jsdoc-check.mjs applies to every exported symbol's
 * `@example`: it must show a call that runs, not only types or definitions.
 */
import { describe, expect, it } from 'vitest';
import { exampleShowsCall } from '../../scripts/example-rule.mjs';

const fence = (code: string) => `\`\`\`ts\n${code}\n\`\`\``;

describe('an @example must show a call', () => {
  it.each([
    ['a call', "import { money } from '@tallystick/core';\nmoney(1250, 'EUR');"],
    ['a method call on a result', "verifier.verify('TS1:x').ok; // false"],
    ['new', 'const list = new RevocationList();'],
    ['await of a call', 'await queue.flush();'],
    ['a call whose callback is a function', "queue.on('dead', ({ intent }) => log(intent));"],
    ['a typed variable set by a call', 'const plan: AllocationPlan = allocate({ stock: 10, devices: [] });'],
    ['a call in a satisfies expression', 'const o = f() satisfies Options;'],
    ['a tagged template', 'sql`select 1`;'],
  ])('accepts %s', (_, code) => {
    expect(exampleShowsCall(fence(code))).toBe(true);
  });

  it.each([
    [
      'a type literal',
      "import type { Money } from '@tallystick/core';\nconst price: Money = { amount: 1250, currency: 'EUR' };",
    ],
    ['an arrow defined, never called', "const units = (p: IntentPayloads['sale']) => p.quantity;"],
    [
      'a function with calls inside, never called',
      'function skuOf(i: Intent) {\n  return String(i.payload);\n}',
    ],
    ['a type alias', 'type T = ReturnType<typeof allocate>;'],
    ['an interface', 'interface Mine extends Options { f(): void }'],
    ['imports only', "import { money } from '@tallystick/core';"],
    ['a class that calls in its methods', 'class Store { get() { return load(); } }'],
    ['a call in a type position only', 'let r: ReturnType<typeof f>;'],
  ])('refuses %s', (_, code) => {
    expect(exampleShowsCall(fence(code))).toBe(false);
  });

  it('reads every fenced block of the tag, and bare text when there is no fence', () => {
    expect(exampleShowsCall(`${fence('const a: A = {};')}\ntext\n${fence('go();')}`)).toBe(true);
    expect(exampleShowsCall('go();')).toBe(true);
    expect(exampleShowsCall('const a: A = {};')).toBe(false);
  });
});
