import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeIssuerKey, decodeKeySet } from '@tallystick/token';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'tallystick-cli-'));
const keyFile = join(dir, 'issuer.json');
const pubFile = join(dir, 'public.json');
let token = '';

beforeAll(async () => {
  const keygen = await cli('keygen', '--out', keyFile, '--public-out', pubFile);
  expect(keygen.code).toBe(0);
  const issued = await cli(
    'issue',
    '--key',
    keyFile,
    '--amount',
    '12.50',
    '--currency',
    'EUR',
    '--audience',
    'stall-a',
    '--ttl',
    '20m',
  );
  expect(issued.code).toBe(0);
  token = issued.out.trim();
});

describe('keygen', () => {
  it('writes the secret with mode 0600 as an issuer key file, and a key set with its public key only', () => {
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    const secret = decodeIssuerKey(readFileSync(keyFile, 'utf8'));
    const set = decodeKeySet(readFileSync(pubFile, 'utf8'));
    if (!secret.ok || !set.ok) throw new Error('keygen wrote a file the codec refuses');
    expect(set.keys).toEqual([{ kid: secret.key.kid, publicKey: secret.key.publicKey }]);
    expect(readFileSync(pubFile, 'utf8')).not.toMatch(/secret/i);
  });

  it('writes the window it is given, and issue refuses to sign outside it (exit 2)', async () => {
    const windowed = join(dir, 'windowed.json');
    const windowedPub = join(dir, 'windowed-public.json');
    const made = await cli(
      'keygen',
      '--out',
      windowed,
      '--public-out',
      windowedPub,
      '--not-before',
      '2020-01-01T00:00:00Z',
      '--not-after',
      '2021-01-01T00:00:00Z',
    );
    expect(made.code).toBe(0);
    const set = decodeKeySet(readFileSync(windowedPub, 'utf8'));
    expect(set.ok && set.keys[0]).toMatchObject({
      notBefore: Date.UTC(2020, 0, 1),
      notAfter: Date.UTC(2021, 0, 1),
    });
    const late = await cli('issue', '--key', windowed);
    expect(late.code).toBe(2);
    expect(late.err).toMatch(/may sign from/);
    const reversed = await cli(
      'keygen',
      '--not-before',
      '2021-01-01T00:00:00Z',
      '--not-after',
      '2020-01-01T00:00:00Z',
    );
    expect(reversed.code).toBe(2);
    expect(reversed.err).toMatch(/notBefore/);
  });

  it('refuses a key file the codec refuses, naming the code: tampered kid, 0.1 format', async () => {
    const text = readFileSync(pubFile, 'utf8');
    const tampered = join(dir, 'tampered.json');
    const kid = (JSON.parse(text) as { keys: { kid: string }[] }).keys[0]!.kid;
    writeFileSync(tampered, text.replace(kid, kid === '00000000' ? '11111111' : '00000000'));
    const bad = await cli('verify', token, '--keys', tampered);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/kid_mismatch/);
    const old = join(dir, 'old.json');
    const secret = JSON.parse(readFileSync(keyFile, 'utf8')) as Record<string, unknown>;
    writeFileSync(
      old,
      JSON.stringify({ kid: secret.kid, publicKey: secret.publicKey, secretKey: secret.secretKey }),
    );
    const refused = await cli('issue', '--key', old);
    expect(refused.code).toBe(2);
    expect(refused.err).toMatch(/unsupported_version/);
  });

  it('never overwrites a key', async () => {
    const again = await cli('keygen', '--out', keyFile);
    expect(again.code).toBe(2);
    expect(again.err).toMatch(/file exists/);
  });
});

describe('issue, verify, inspect', () => {
  it('issues a TS1 token that verifies on its terminal', async () => {
    expect(token).toMatch(/^TS1:/);
    const ok = await cli('verify', token, '--keys', pubFile, '--audience', 'stall-a', '--json');
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.out).token.amount.formatted).toBe('12.50 EUR');
  });

  it('refuses it elsewhere, later, or tampered, with exit 1 and the reason', async () => {
    const other = await cli('verify', token, '--keys', pubFile, '--audience', 'stall-b');
    expect(other.code).toBe(1);
    expect(other.out).toMatch(/wrong_audience/);
    const later = await cli(
      'verify',
      token,
      '--keys',
      pubFile,
      '--audience',
      'stall-a',
      '--now',
      new Date(Date.now() + 3_600_000).toISOString(),
    );
    expect(later.code).toBe(1);
    expect(later.out).toMatch(/expired/);
    const flipped = token.slice(0, 20) + (token[20] === 'A' ? 'B' : 'A') + token.slice(21);
    const tampered = await cli('verify', flipped, '--keys', pubFile, '--audience', 'stall-a', '--json');
    expect(tampered.code).toBe(1);
    expect(['bad_signature', 'malformed', 'unknown_key']).toContain(JSON.parse(tampered.out).code);
  });

  it('inspects field by field, and says exactly why a token does not decode', async () => {
    const good = await cli('inspect', token);
    expect(good.code).toBe(0);
    expect(good.out).toMatch(/amount\s+12\.50 EUR \(1250 minor units\)/);
    expect(good.out).toMatch(/audience\s+stall-a/);
    const bad = await cli('inspect', `${token}x`);
    expect(bad.code).toBe(1);
    expect(bad.out).toMatch(/does not decode \(malformed\)/);
  });

  it.each([
    [['issue', '--key', '/nonexistent.json'], /cannot read key file \/nonexistent.json: no such file/],
    [['issue', '--key', 'PUB', '--amount', '1'], /is a key set \(public keys only\)/],
    [['issue', '--key', 'KEY', '--amount', '1.234', '--currency', 'EUR'], /EUR has 2 decimals/],
    [['issue', '--key', 'KEY', '--amount', '1'], /--amount and --currency go together/],
    [['issue', '--key', 'KEY', '--ttl', 'soon'], /--ttl must be a duration/],
    [['verify', 'TS1:X', '--keys', '/nonexistent.json'], /cannot read keys file/],
  ])('bad input %j gets exit 2 and a one-line fix', async (args, message) => {
    const resolved = args.map((a) => (a === 'PUB' ? pubFile : a === 'KEY' ? keyFile : a));
    const result = await cli(...resolved);
    expect(result.code).toBe(2);
    expect(result.err).toMatch(message);
    expect(result.err.split('\n')).toHaveLength(1);
  });
});

describe('qr', () => {
  it('writes a PNG that decodes back to the same token', async () => {
    const png = join(dir, 'token.png');
    const result = await cli('qr', token, '--png', png, '--json');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.out).version).toBeLessThanOrEqual(8);
    const image = PNG.sync.read(readFileSync(png));
    const decoded = jsQR(new Uint8ClampedArray(image.data), image.width, image.height);
    expect(decoded?.data).toBe(token);
  });

  it('renders SVG and terminal output', async () => {
    const svg = join(dir, 'token.svg');
    expect((await cli('qr', token, '--svg', svg)).code).toBe(0);
    expect(readFileSync(svg, 'utf8')).toMatch(/^<svg/);
    const terminal = await cli('qr', token);
    expect(terminal.out.split('\n').length).toBeGreaterThan(10);
  });
});
