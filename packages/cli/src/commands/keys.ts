import { encodeBase64url } from '@tallystick/core';
import {
  createIssuer,
  encodeIssuerKey,
  encodeKeySet,
  generateIssuerKey,
  type IssuerKey,
} from '@tallystick/token';
import type { Command } from 'commander';
import { UsageError } from '../lib/exit.js';
import { parseInstant } from '../lib/io.js';
import { writeKeyFile } from '../lib/keys.js';
import type { CommandContext } from '../program.js';

interface KeygenFlags {
  out?: string;
  publicOut?: string;
  notBefore?: string;
  notAfter?: string;
  json?: boolean;
}

export function registerKeygen(program: Command, ctx: CommandContext): void {
  program
    .command('keygen')
    .description(
      'Create an Ed25519 issuer key. The secret stays in --out (mode 0600); share only the key set of --public-out.',
    )
    .option('--out <file>', 'write the issuer key file here (refuses to overwrite)')
    .option('--public-out <file>', 'also write a key set file (public key only) for terminals')
    .option('--not-before <time>', 'the key signs nothing issued before this time (ISO 8601)')
    .option('--not-after <time>', 'the key signs nothing issued after this time (ISO 8601)')
    .option('--json', 'machine-readable output')
    .action((flags: KeygenFlags) => {
      const key: IssuerKey = {
        ...generateIssuerKey(),
        ...(flags.notBefore ? { notBefore: parseInstant(flags.notBefore, '--not-before') } : {}),
        ...(flags.notAfter ? { notAfter: parseInstant(flags.notAfter, '--not-after') } : {}),
      };
      let secretText: string;
      let publicText: string;
      try {
        secretText = encodeIssuerKey(key);
        publicText = encodeKeySet([createIssuer(key).verificationKey]);
      } catch (error) {
        // A window the codec refuses (reversed, out of range) is the user's to fix.
        throw new UsageError(`--not-before/--not-after: ${(error as Error).message}`);
      }
      if (flags.out) writeKeyFile(flags.out, secretText);
      if (flags.publicOut) writeKeyFile(flags.publicOut, publicText);
      const publicKey = encodeBase64url(key.publicKey);
      if (!flags.out) {
        // No file: the key goes to stdout, which is the user's explicit choice.
        ctx.io.out(secretText.trimEnd());
        return;
      }
      if (flags.json) {
        ctx.io.out(
          JSON.stringify(
            {
              kid: key.kid,
              publicKey,
              file: flags.out,
              ...(flags.publicOut ? { publicFile: flags.publicOut } : {}),
            },
            null,
            2,
          ),
        );
        return;
      }
      ctx.io.out(`kid:        ${key.kid}`);
      ctx.io.out(`public key: ${publicKey}`);
      ctx.io.out(`secret key: written to ${flags.out} (mode 0600)`);
      if (flags.publicOut) ctx.io.out(`key set:    written to ${flags.publicOut}`);
    });
}
