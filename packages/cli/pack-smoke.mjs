// Called by scripts/pack-test.mjs with each built entry, loaded as ESM and as CJS.
export default {
  '@tallystick/cli': async (cli) => {
    const lines = [];
    const io = { out: (l) => lines.push(l), err: (l) => lines.push(l), isTTY: false };
    const code = await cli.runCli(
      ['allocate', '--stock', '160', '--rate', 'a=30', '--rate', 'b=20', '--rate', 'c=10', '--json'],
      io,
    );
    if (code !== cli.EXIT.ok) throw new Error(`allocate exited ${code}: ${lines.join('\n')}`);
    const quotas = JSON.parse(lines.join('\n'))
      .devices.map((d) => d.quota)
      .join();
    if (quotas !== '73,51,28') throw new Error(`unexpected quotas ${quotas}`);
  },
};
