import { isReview, resolved, review, suggest } from '@tallystick/merge';
import { describe, expect, it } from 'vitest';

describe('resolution helpers', () => {
  it('tell a review from a value, even a value with a review field', () => {
    expect(isReview(review('x'))).toBe(true);
    expect(isReview(resolved({ review: 'not a request' }))).toBe(false);
  });

  it('leave optional suggestion fields out', () => {
    expect(suggest('refund', 'give it back')).toEqual({ action: 'refund', note: 'give it back' });
    expect(suggest('backorder', 'later', { quantity: 2 })).toEqual({
      action: 'backorder',
      note: 'later',
      quantity: 2,
    });
    expect(Object.keys(suggest('void', 'cancel', {}))).toEqual(['action', 'note']);
  });

  it('refuse wrong types', () => {
    expect(() => review('')).toThrow(TypeError);
    expect(() => review(1 as unknown as string)).toThrow(TypeError);
    expect(() => review('x', 'nope' as never)).toThrow(TypeError);
    expect(() => suggest('refund', undefined as unknown as string)).toThrow(TypeError);
  });
});
