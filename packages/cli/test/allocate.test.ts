import { describe, expect, it } from 'vitest';
import { cli } from './helpers.js';

describe('tallystick allocate', () => {
  it('reproduces the known quotas (73, 51, 28) with 8 units kept by the server', async () => {
    const { code, out } = await cli(
      'allocate',
      '--stock',
      '160',
      '--rate',
      'a=30',
      '--rate',
      'b=20',
      '--rate',
      'c=10',
      '--window',
      '2h',
      '--json',
    );
    expect(code).toBe(0);
    const result = JSON.parse(out);
    expect(result.devices.map((d: { quota: number }) => d.quota)).toEqual([73, 51, 28]);
    expect(result.serverRemainder).toBe(8);
  });

  it('switches to greedy allocation when stock is short and says so', async () => {
    const { code, out } = await cli(
      'allocate',
      '--stock',
      '100',
      '--rate',
      'a=30',
      '--rate',
      'b=20',
      '--rate',
      'c=10',
    );
    expect(code).toBe(0);
    expect(out).toMatch(/greedy-marginal/);
    expect(out).toMatch(/server keeps: 0 of 100/);
  });

  it.each([
    [['--stock', '-1', '--rate', 'a=1'], /--stock must be a whole number/],
    [['--stock', '10', '--rate', 'a'], /--rate must look like id=perHour/],
    [['--stock', '10', '--rate', 'a=1', '--epsilon', '1'], /--epsilon must be between 0 and 1/],
    [['--stock', '10', '--rate', 'a=1', '--window', '0s'], /--window must be greater than zero/],
    [['--rate', 'a=1'], /required option '--stock <units>' not specified/],
  ])('refuses bad input %j with exit 2 and a one-line fix', async (args, message) => {
    const { code, err } = await cli('allocate', ...args);
    expect(code).toBe(2);
    expect(err).toMatch(message);
  });
});

describe('tallystick help', () => {
  it('documents the exit codes and every command', async () => {
    const { code, out } = await cli('--help');
    expect(code).toBe(0);
    expect(out).toMatch(/Exit codes/);
    expect(out).toMatch(/allocate/);
  });

  it('exits 2 on an unknown command', async () => {
    const { code, err } = await cli('frobnicate');
    expect(code).toBe(2);
    expect(err).toMatch(/unknown command/);
  });
});
