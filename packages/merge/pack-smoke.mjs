// Called by scripts/pack-test.mjs with each built entry, loaded as ESM and as CJS.
export default {
  '@tallystick/merge': (merge) => {
    const fww = merge.firstWriterWins();
    const winner = merge.resolveAll(fww, [
      merge.versioned('till-2', '0000000000020000-till-2', 'till-2'),
      merge.versioned('till-1', '0000000000010000-till-1', 'till-1'),
    ]);
    if (winner.value !== 'till-1') throw new Error(`first-writer-wins picked ${winner.value}`);
    const stock = merge.boundedCounter();
    const s = stock.increment(stock.empty(), 'hq', 3);
    if (!merge.isReview(stock.decrement(s, 'till-1', 1)))
      throw new Error('bounded counter allowed a decrement without rights');
    const set = merge.addWinsSet();
    const base = set.add(set.empty(), 'x', { wall: 1, counter: 0, node: 'a' });
    const merged = set.merge(
      set.remove(base, 'x', { wall: 2, counter: 0, node: 'a' }),
      set.add(base, 'x', { wall: 2, counter: 0, node: 'b' }),
    );
    if (set.resolve(merged).value.join() !== 'x') throw new Error('add-wins set lost a concurrent add');
  },
};
