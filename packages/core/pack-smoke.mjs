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
};
