import { EventEmitter } from 'node:events';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { guardConnectionErrors, isConnectionFailure, TallystickError, toBackendError } from '../src/index.js';

const coded = (code: string, message = code) => Object.assign(new Error(message), { code });

describe('isConnectionFailure', () => {
  it('recognises socket errors, Postgres connection SQLSTATEs and driver wording', () => {
    for (const error of [
      coded('ECONNREFUSED'),
      coded('ECONNRESET'),
      coded('EPIPE'),
      coded('ETIMEDOUT'),
      coded('08006'),
      coded('57P01'),
      coded('53300'),
      new Error('Connection terminated unexpectedly'),
      new Error('timeout exceeded when trying to connect'),
      new Error('Connection is closed.'),
      Object.assign(new Error('Reached the max retries per request limit (which is 1).'), {
        name: 'MaxRetriesPerRequestError',
      }),
      new TallystickError('ERR_SERVICE_UNAVAILABLE', 'down'),
      new Error('wrapped', { cause: coded('ECONNREFUSED') }),
      new AggregateError([coded('ECONNREFUSED'), coded('ECONNREFUSED')], ''),
    ]) {
      expect(isConnectionFailure(error)).toBe(true);
    }
  });

  it('does not take refusals for outages', () => {
    for (const error of [
      coded('23505', 'duplicate key value violates unique constraint'),
      coded('42P01', 'relation "x" does not exist'),
      coded('ERR_STORE'),
      new TypeError('x is not a function'),
      'ECONNREFUSED',
      null,
      undefined,
    ]) {
      expect(isConnectionFailure(error)).toBe(false);
    }
  });

  it('law: never throws and terminates on any value, cyclic causes included', () => {
    fc.assert(
      fc.property(fc.anything(), (value) => {
        expect(typeof isConnectionFailure(value)).toBe('boolean');
      }),
      { numRuns: 300 },
    );
    const cyclic = new Error('a') as Error & { cause?: unknown };
    cyclic.cause = cyclic;
    expect(isConnectionFailure(cyclic)).toBe(false);
  });
});

describe('toBackendError', () => {
  it('types an outage ERR_SERVICE_UNAVAILABLE and anything else the fallback, keeping the cause', () => {
    const refused = coded('ECONNREFUSED');
    const outage = toBackendError(refused, 'ERR_STORE', 'claim');
    expect(outage.code).toBe('ERR_SERVICE_UNAVAILABLE');
    expect(outage.cause).toBe(refused);
    const broken = coded('42P01');
    expect(toBackendError(broken, 'ERR_STORE', 'claim')).toMatchObject({ code: 'ERR_STORE', cause: broken });
    const already = new TallystickError('ERR_QUEUE', 'x');
    expect(toBackendError(already, 'ERR_STORE', 'claim')).toBe(already);
  });
});

describe('guardConnectionErrors', () => {
  it('gives an emitter one error listener, so a dropped connection does not throw, and leaves others alone', () => {
    const pool = new EventEmitter();
    expect(() => pool.emit('error', new Error('Connection terminated unexpectedly'))).toThrow();
    const seen: unknown[] = [];
    guardConnectionErrors(pool, (error) => seen.push(error));
    guardConnectionErrors(pool);
    expect(pool.listenerCount('error')).toBe(1);
    expect(() => pool.emit('error', new Error('dropped'))).not.toThrow();
    expect(seen).toHaveLength(1);
    for (const other of [null, undefined, 1, 'x', {}, { on: 1 }])
      expect(() => guardConnectionErrors(other)).not.toThrow();
  });
});
