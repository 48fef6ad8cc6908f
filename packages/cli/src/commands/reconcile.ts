import { createMemoryLedger, createReconciler, fromTokenVerifier } from '@tallystick/reconcile';
import { createVerifier, decodeToken, type VerificationKey } from '@tallystick/token';
import type { Command } from 'commander';
import { EXIT, UsageError } from '../lib/exit.js';
import { readText } from '../lib/io.js';
import { readVerificationKeys } from '../lib/keys.js';
import { createProgress } from '../lib/progress.js';
import type { CommandContext } from '../program.js';

interface ReconcileFlags {
  keys?: string;
  batch: string;
  json?: boolean;
}

/** Reads intents from a JSON array, `{ "intents": [...] }`, or JSON Lines. */
function readIntents(path: string): unknown[] {
  const text = readText(path, 'intents file').trim();
  if (text.startsWith('[') || text.startsWith('{"intents"')) {
    try {
      const json = JSON.parse(text) as unknown;
      return Array.isArray(json) ? json : (json as { intents: unknown[] }).intents;
    } catch {
      throw new UsageError(`intents file ${path} is not valid JSON`);
    }
  }
  return text.split('\n').flatMap((line, i) => {
    if (!line.trim()) return [];
    try {
      return [JSON.parse(line) as unknown];
    } catch {
      throw new UsageError(`line ${i + 1} of ${path} is not valid JSON (expected one intent per line)`);
    }
  });
}

/**
 * Judges each redemption as the till that made it would have: its verifier's
 * audience is the till's own id, so a voucher issued to one till and taken at
 * another is refused `wrong_audience`. A holder-bound token arrives without the
 * customer's presentation (the till checked it; it is stale by now), so
 * `binding_required` counts as verified once everything before it passed.
 */
function tokenVerifier(keys: readonly VerificationKey[]) {
  return fromTokenVerifier((device) => createVerifier({ keys, audience: device, terminal: device }), {
    decodeBound: decodeToken,
  });
}

export function registerReconcile(program: Command, ctx: CommandContext): void {
  program
    .command('reconcile')
    .description('Reconcile device histories from a file: apply each intent once, find and settle conflicts.')
    .argument('<file>', 'intents as a JSON array, {"intents": [...]}, or one JSON envelope per line')
    .option(
      '--keys <file>',
      'issuer public keys, to verify redeemed tokens (without it redemptions are rejected)',
    )
    .option('--batch <n>', 'intents per batch', '1000')
    .option('--json', 'machine-readable report')
    .action(async (file: string, flags: ReconcileFlags) => {
      const batchSize = Number(flags.batch);
      if (!Number.isInteger(batchSize) || batchSize < 1)
        throw new UsageError(`--batch must be a whole number ≥ 1, got "${flags.batch}"`);
      const intents = readIntents(file);
      const reconciler = createReconciler({
        ledger: createMemoryLedger(),
        ...(flags.keys ? { verifier: tokenVerifier(readVerificationKeys(flags.keys)) } : {}),
        // Files are histories: intents stamped in "the future" relative to this machine are still real.
        maxClockAheadMs: Number.MAX_SAFE_INTEGER,
      });
      const batches: unknown[][] = [];
      for (let i = 0; i < intents.length; i += batchSize) batches.push(intents.slice(i, i + batchSize));
      const progress = createProgress(ctx.io, 'reconciling', !flags.json);
      progress.update(0, intents.length);
      const rejections: { reason: string }[] = [];
      let received = 0;
      for await (const event of reconciler.run(batches)) {
        if (event.type === 'rejected') rejections.push(event.rejection as unknown as { reason: string });
        if (event.type === 'progress') progress.update((received += batches[event.batch]?.length ?? 0));
      }
      progress.finish();
      const report = await reconciler.report();
      if (report.review.length > 0) ctx.setExit(EXIT.rejected);
      if (flags.json) {
        ctx.io.out(JSON.stringify({ report, rejected: rejections }, null, 2));
        return;
      }
      ctx.io.out(
        `intents applied: ${report.intents} (${
          Object.entries(report.byType)
            .map(([t, n]) => `${n} ${t}`)
            .join(', ') || 'none'
        })`,
      );
      ctx.io.out(
        `read: ${intents.length}; rejected: ${rejections.length}; duplicates suppressed: ${intents.length - rejections.length - report.intents}`,
      );
      ctx.io.out(
        `clean: ${report.clean}; settled by rule: ${report.resolved.length}; for review: ${report.review.length}`,
      );
      for (const v of [...report.resolved, ...report.review]) {
        ctx.io.out(`- ${v.status === 'review' ? 'REVIEW' : 'resolved'} ${v.kind} (${v.rule}): ${v.reason}`);
        for (const s of v.suggestions) ctx.io.out(`    suggestion: ${s.action}: ${s.note}`);
      }
      for (const r of rejections.slice(0, 20)) ctx.io.out(`- rejected: ${JSON.stringify(r)}`);
      for (const line of report.stock)
        ctx.io.out(
          `stock ${line.sku}: sold ${line.sold}, available ${line.available}, backordered ${line.backordered}`,
        );
    });
}
