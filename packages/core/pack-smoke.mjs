// Called by scripts/pack-test.mjs with each built entry, loaded as ESM and as CJS.
export default {
  '@tallystick/core': (core) => {
    const bytes = core.decodeBase45(core.encodeBase45(new Uint8Array([1, 2, 3])));
    if (bytes.join() !== '1,2,3') throw new Error('base45 round trip failed');
    if (core.formatMoney(core.parseMoney('12.34', 'USD')) !== '12.34')
      throw new Error('money round trip failed');
    if (!core.isIntentId(core.newIntentId())) throw new Error('intent id is not a UUIDv7');
  },
  '@tallystick/core/schemas': (schemas) => {
    if (!schemas.moneySchema.safeParse({ amount: 250, currency: 'EUR' }).success)
      throw new Error('valid money refused');
    if (schemas.moneySchema.safeParse({ amount: 2.5, currency: 'EUR' }).success)
      throw new Error('float money accepted');
  },
  '@tallystick/core/protocol': (protocol) => {
    const sale = { sku: 'apple', quantity: 2, unitPrice: { amount: 120, currency: 'EUR' } };
    if (protocol.intentPayloadSchemas.sale.parse(sale).discountBps !== 0)
      throw new Error('sale not defaulted');
    if (protocol.salePayloadSchema.safeParse({ ...sale, quantity: 0 }).success)
      throw new Error('zero quantity accepted');
    if (protocol.classifyHttpStatus(503) !== 'retry') throw new Error('503 is not retryable');
  },
  '@tallystick/core/node': async (node) => {
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'tallystick-pack-'));
    try {
      const lock = await node.acquireLockFile(join(dir, 'x.lock'));
      const second = await node.acquireLockFile(join(dir, 'x.lock')).then(
        () => 'acquired',
        (e) => e.code,
      );
      if (second !== 'ERR_LOCKED') throw new Error(`a second acquire was not refused: ${second}`);
      await lock.release();
      await node.writeFileDurably(node.nodeFileSystem, join(dir, 'f'), new Uint8Array([7]));
      if ((await node.nodeFileSystem.readFile(join(dir, 'f')))[0] !== 7)
        throw new Error('durable write lost');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
