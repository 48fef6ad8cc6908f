// Called by scripts/pack-test.mjs with each built entry, loaded as ESM and as CJS.
export default {
  '@tallystick/reserve': (reserve) => {
    if (reserve.poissonQuantile(0.9, 4) !== 7) throw new Error('quantile(0.9; 4) is not 7');
    const tail = reserve.poissonSurvival(160, 120);
    if (Math.abs(tail - 2.09e-4) > 1e-6) throw new Error(`P(Poisson(120) > 160) is ${tail}`);
    const plan = reserve.allocate({
      stock: 160,
      devices: [
        { id: 'a', ratePerHour: 30 },
        { id: 'b', ratePerHour: 20 },
        { id: 'c', ratePerHour: 10 },
      ],
      windowMs: 7_200_000,
      maxStockoutProbability: 0.05,
    });
    if (plan.devices.map((d) => d.quota).join() !== '73,51,28' || plan.serverRemainder !== 8) {
      throw new Error('allocation vector failed');
    }
    const given = reserve.allotQuotas({ rights: { server: { server: 2 } }, decrements: {} }, 'server', [
      { id: 'till-1', quota: 3 },
    ]);
    if (!('review' in given)) throw new Error('allotQuotas gave away rights the server does not hold');
  },
};
