/** Runs async sections one at a time, in call order. A failed section does not block the next. */
export function createMutex(): <T>(section: () => Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(section: () => Promise<T>): Promise<T> => {
    const run = tail.then(section, section);
    tail = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  };
}
