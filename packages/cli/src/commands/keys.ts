import { encodeBase64url } from '@tallystick/core';
import { generateIssuerKey } from '@tallystick/token';
import type { Command } from 'commander';
import { UsageError } from '../lib/exit.js';
import { writeKeyFile } from '../lib/keys.js';
import type { CommandContext } from '../program.js';

export function registerKeygen(program: Command, ctx: CommandContext): void {
  program
    .command('keygen')
    .description(
      'Create an Ed25519 issuer key. The secret stays in --out (mode 0600); share only the public key.',
    )
    .option('--out <file>', 'write the key file here (refuses to overwrite)')
    .option('--public-out <file>', 'also write a public-only key file for terminals')
    .option('--json', 'machine-readable output')
    .action((flags: { out?: string; publicOut?: string; json?: boolean }) => {
      const key = generateIssuerKey();
      const file = {
        kid: key.kid,
        publicKey: encodeBase64url(key.publicKey),
        secretKey: encodeBase64url(key.secretKey),
        createdAt: new Date().toISOString(),
      };
      const write = (path: string, content: object) => {
        try {
          writeKeyFile(path, content as typeof file);
        } catch (error) {
          const code = (error as NodeJS.ErrnoException).code;
          throw new UsageError(
            `cannot write ${path}: ${code === 'EEXIST' ? 'file exists (keys are never overwritten)' : code}`,
          );
        }
      };
      if (flags.out) write(flags.out, file);
      if (flags.publicOut) write(flags.publicOut, { kid: file.kid, publicKey: file.publicKey });
      if (flags.json) {
        ctx.io.out(
          JSON.stringify(
            flags.out ? { kid: file.kid, publicKey: file.publicKey, file: flags.out } : file,
            null,
            2,
          ),
        );
        return;
      }
      if (!flags.out) {
        // No file: the key goes to stdout, which is the user's explicit choice.
        ctx.io.out(JSON.stringify(file, null, 2));
        return;
      }
      ctx.io.out(`kid:        ${file.kid}`);
      ctx.io.out(`public key: ${file.publicKey}`);
      ctx.io.out(`secret key: written to ${flags.out} (mode 0600)`);
      if (flags.publicOut) ctx.io.out(`public key file: ${flags.publicOut}`);
    });
}
