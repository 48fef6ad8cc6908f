import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import QRCode from 'qrcode';
import { UsageError } from '../lib/exit.js';
import type { CommandContext } from '../program.js';

interface QrFlags {
  png?: string;
  svg?: string;
  ecc: string;
  json?: boolean;
}

export function registerQr(program: Command, ctx: CommandContext): void {
  program
    .command('qr')
    .description('Render a token as a QR code: in the terminal (default), or to a PNG or SVG file.')
    .argument('<text>', 'the token text, e.g. TS1:…')
    .option('--png <file>', 'write a PNG image')
    .option('--svg <file>', 'write an SVG image')
    .option('--ecc <level>', 'error correction: L, M, Q or H', 'M')
    .option('--json', 'machine-readable output (QR version, mode, files)')
    .action(async (text: string, flags: QrFlags) => {
      const ecc = flags.ecc.toUpperCase();
      if (!['L', 'M', 'Q', 'H'].includes(ecc))
        throw new UsageError(`--ecc must be L, M, Q or H, got "${flags.ecc}"`);
      const options = { errorCorrectionLevel: ecc as 'M' };
      let qr: ReturnType<typeof QRCode.create>;
      try {
        qr = QRCode.create(text, options);
      } catch (error) {
        throw new UsageError(`cannot encode as a QR code: ${(error as Error).message}`);
      }
      const written: string[] = [];
      if (flags.png) {
        await QRCode.toFile(flags.png, text, { ...options, type: 'png', margin: 4, scale: 8 });
        written.push(flags.png);
      }
      if (flags.svg) {
        writeFileSync(flags.svg, await QRCode.toString(text, { ...options, type: 'svg', margin: 4 }));
        written.push(flags.svg);
      }
      const info = {
        version: qr.version,
        errorCorrection: ecc,
        modes: [...new Set(qr.segments.map((s) => s.mode.id))],
        characters: text.length,
        files: written,
      };
      if (flags.json) {
        ctx.io.out(JSON.stringify(info, null, 2));
        return;
      }
      if (written.length === 0)
        ctx.io.out(await QRCode.toString(text, { ...options, type: 'terminal', small: true }));
      for (const file of written) ctx.io.err(`wrote ${file}`);
      ctx.io.err(
        `QR version ${info.version}, ECC ${ecc}, ${info.modes.join('+')} mode, ${text.length} characters`,
      );
    });
}
