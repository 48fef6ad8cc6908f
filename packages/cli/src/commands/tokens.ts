import { parseMoney } from '@tallystick/core';
import { createIssuer, createVerifier, decodeToken } from '@tallystick/token';
import type { Command } from 'commander';
import { EXIT, UsageError } from '../lib/exit.js';
import { parseDuration, parseInstant } from '../lib/io.js';
import { keyBytes, readIssuerKey, readVerificationKeys } from '../lib/keys.js';
import { tokenJson, tokenLines } from '../lib/token-view.js';
import type { CommandContext } from '../program.js';

interface IssueFlags {
  key: string;
  amount?: string;
  currency?: string;
  audience?: string;
  holder?: string;
  ttl?: string;
  expires?: string;
  notBefore?: string;
  data?: string;
  urlPrefix?: string;
  json?: boolean;
}

export function registerTokenCommands(program: Command, ctx: CommandContext): void {
  program
    .command('issue')
    .description('Issue a signed single-use token and print its QR text (TS1:…) and URL form.')
    .requiredOption('--key <file>', 'issuer key file from `tallystick keygen`')
    .option('--amount <decimal>', 'value, e.g. 12.50 (needs --currency)')
    .option('--currency <code>', 'ISO 4217 currency, e.g. EUR')
    .option('--audience <terminal>', 'only redeemable on this terminal or terminal group')
    .option('--holder <publicKey>', "bind to a customer device's Ed25519 public key (base64url or hex)")
    .option('--ttl <duration>', 'lifetime, e.g. 15m (default 15m)')
    .option('--expires <time>', 'absolute expiry, ISO 8601 (instead of --ttl)')
    .option('--not-before <time>', 'not valid before this time, ISO 8601')
    .option('--data <text>', 'application data, UTF-8, at most 64 bytes')
    .option('--url-prefix <url>', 'prefix of the link form, e.g. https://shop.example/t/')
    .option('--json', 'machine-readable output')
    .action((flags: IssueFlags) => {
      const key = readIssuerKey(flags.key);
      if ((flags.amount === undefined) !== (flags.currency === undefined)) {
        throw new UsageError('--amount and --currency go together');
      }
      if (flags.ttl && flags.expires) throw new UsageError('give --ttl or --expires, not both');
      const issuer = createIssuer({
        ...key,
        ...(flags.urlPrefix ? { urlPrefix: flags.urlPrefix } : {}),
      });
      const issued = issuer.issue({
        ...(flags.amount !== undefined
          ? { amount: parseMoney(flags.amount, flags.currency!.toUpperCase()) }
          : {}),
        ...(flags.audience ? { audience: flags.audience } : {}),
        ...(flags.holder ? { holderKey: keyBytes(flags.holder, '--holder') } : {}),
        ...(flags.ttl ? { ttlMs: parseDuration(flags.ttl, '--ttl') } : {}),
        ...(flags.expires ? { expiresAt: parseInstant(flags.expires, '--expires') } : {}),
        ...(flags.notBefore ? { notBefore: parseInstant(flags.notBefore, '--not-before') } : {}),
        ...(flags.data ? { data: new TextEncoder().encode(flags.data) } : {}),
      });
      if (flags.json) {
        ctx.io.out(
          JSON.stringify(
            { id: issued.id, qr: issued.qr, url: issued.url, token: tokenJson(issued.token) },
            null,
            2,
          ),
        );
        return;
      }
      ctx.io.out(issued.qr);
      ctx.io.err(
        `token ${issued.id}: ${issued.bytes.length} bytes, expires ${new Date(issued.token.expiresAt).toISOString()}`,
      );
      ctx.io.err(`url form: ${issued.url}`);
    });

  program
    .command('verify')
    .description('Verify a token offline: signature, key, expiry, audience and holder presentation.')
    .argument('<token>', 'TS1:… or TP1:… text, or base64url')
    .requiredOption(
      '--keys <file>',
      'key set file from `tallystick keygen --public-out` (or the issuer key file)',
    )
    .option('--audience <terminal>', 'the terminal doing the verification')
    .option('--now <time>', 'verify as of this time (ISO 8601), e.g. a trusted time source')
    .option('--skew <duration>', 'clock skew tolerance (default 60s)')
    .option('--json', 'machine-readable output')
    .action(
      (
        input: string,
        flags: { keys: string; audience?: string; now?: string; skew?: string; json?: boolean },
      ) => {
        const verifier = createVerifier({
          keys: readVerificationKeys(flags.keys),
          ...(flags.audience ? { audience: flags.audience } : {}),
          ...(flags.skew ? { clockSkewMs: parseDuration(flags.skew, '--skew') } : {}),
        });
        const result = verifier.verify(
          input.trim(),
          flags.now ? { now: parseInstant(flags.now, '--now') } : {},
        );
        if (!result.ok) ctx.setExit(EXIT.rejected);
        if (flags.json) {
          ctx.io.out(
            JSON.stringify(result.ok ? { ok: true, token: tokenJson(result.token) } : result, null, 2),
          );
        } else if (result.ok) {
          ctx.io.out(`valid: token ${result.token.id}`);
          for (const line of tokenLines(result.token)) ctx.io.out(`  ${line}`);
        } else {
          ctx.io.out(`refused (${result.code}): ${result.message}`);
        }
      },
    );

  program
    .command('inspect')
    .description(
      'Decode a token field by field without verifying it; if it does not decode, say exactly why.',
    )
    .argument('<token>', 'TS1:… or TP1:… text, or base64url')
    .option('--json', 'machine-readable output')
    .action((input: string, flags: { json?: boolean }) => {
      const result = decodeToken(input.trim());
      if (!result.ok) ctx.setExit(EXIT.rejected);
      if (flags.json) {
        const body = result.ok
          ? {
              ok: true,
              token: tokenJson(result.token),
              presentation: result.presentation ? result.presentation.length : null,
            }
          : result;
        ctx.io.out(JSON.stringify(body, null, 2));
      } else if (result.ok) {
        for (const line of tokenLines(result.token)) ctx.io.out(line);
        ctx.io.out(
          `presented   ${result.presentation ? `yes (${result.presentation.length}-byte presentation)` : 'no'}`,
        );
        ctx.io.out('(not verified: use `tallystick verify` with the issuer keys)');
      } else {
        ctx.io.out(`does not decode (${result.code}): ${result.message}`);
      }
    });
}
