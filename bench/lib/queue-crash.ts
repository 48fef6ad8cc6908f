/**
 * The crash test behind bench/scenarios/crash-queue.ts and the short version in
 * the queue package's tests: kill a producing, delivering child with SIGKILL at
 * random moments, restart it, and check that nothing acknowledged is lost or
 * duplicated and that a replay through an idempotent server applies every
 * intent exactly once.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createIntentQueue, type QueueStore } from '@tallystick/queue';
import { openFileStore } from '@tallystick/queue/file';
import { createHttpSender } from '@tallystick/queue/http';
import { openSqliteStore } from '@tallystick/queue/sqlite';
import { createMemoryStore } from '@tallystick/replay/memory';
import { withIdempotency } from '@tallystick/replay/node';
import { bundleChild, type Life, launchChild } from './crash-child.js';

export interface CrashOptions {
  kills: number;
  /** Time the child runs before the kill, uniform in [minRunMs, maxRunMs] after it is ready. */
  minRunMs?: number;
  maxRunMs?: number;
  log?: (line: string) => void;
}

export interface StoreVerdict {
  acked: number;
  presentBeforeReplay: number;
  appliedBeforeReplay: number;
  duplicatesInStore: number;
  lost: number;
  appliedTwice: number;
  notAppliedAfterReplay: number;
  leftInStoreAfterReplay: number;
}

export interface CrashResult {
  kills: number;
  cleanOpens: number;
  failedOpens: string[];
  slowestOpenMs: number;
  file: StoreVerdict;
  sqlite: StoreVerdict;
  httpRequests: number;
  seconds: number;
}

const here = dirname(fileURLToPath(import.meta.url));

/** An idempotent sink: @tallystick/replay's Node wrapper over its memory store, counting each apply by id. */
async function startSink(): Promise<{
  server: Server;
  url: string;
  applied: Map<string, number>;
  requests: () => number;
}> {
  const applied = new Map<string, number>();
  let requests = 0;
  const listener = withIdempotency(
    { store: createMemoryStore({ maxEntries: 10_000_000 }), scope: () => 'crash-test' },
    async ({ body }) => {
      const id = (body as { id: string }).id;
      applied.set(id, (applied.get(id) ?? 0) + 1);
      return { status: 201, headers: { 'content-type': 'application/json' }, body: '{"ok":true}' };
    },
  );
  const server = createServer((req, res) => {
    requests++;
    listener(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/intents`;
  return { server, url, applied, requests: () => requests };
}

function launch(
  script: string,
  dir: string,
  url: string,
  acked: { f: Set<string>; s: Set<string> },
  failures: string[],
): Life {
  return launchChild(
    script,
    [dir, url],
    (tag, value) => {
      if (tag === 'f' || tag === 's') acked[tag].add(value);
      else if (tag === 'fatal') failures.push(value);
    },
    (message) => failures.push(message),
  );
}

async function verdict(
  store: QueueStore,
  acked: Set<string>,
  applied: Map<string, number>,
  replay: (store: QueueStore) => Promise<void>,
): Promise<StoreVerdict> {
  const far = Date.now() + 3_600_000;
  const present = new Map<string, number>();
  for (let after: number | undefined; ; ) {
    const page = await store.list({ limit: 1000, afterSeq: after, now: far });
    for (const q of page) present.set(q.intent.id, (present.get(q.intent.id) ?? 0) + 1);
    if (page.length < 1000) break;
    after = page[page.length - 1]!.seq;
  }
  let lost = 0;
  let appliedBefore = 0;
  for (const id of acked) {
    if (applied.has(id)) appliedBefore++;
    else if (!present.has(id)) lost++;
  }
  await replay(store);
  let notApplied = 0;
  let twice = 0;
  for (const id of acked) if (!applied.has(id)) notApplied++;
  for (const n of applied.values()) if (n > 1) twice++;
  const left = await store.count(far);
  return {
    acked: acked.size,
    presentBeforeReplay: present.size,
    appliedBeforeReplay: appliedBefore,
    duplicatesInStore: [...present.values()].filter((n) => n > 1).length,
    lost,
    appliedTwice: twice,
    notAppliedAfterReplay: notApplied,
    leftInStoreAfterReplay: left.pending + left.inflight + left.dead,
  };
}

export async function runCrashTest(options: CrashOptions): Promise<CrashResult> {
  const { kills, minRunMs = 40, maxRunMs = 1000, log = () => {} } = options;
  const started = performance.now();
  const dir = mkdtempSync(join(tmpdir(), 'tallystick-crash-'));
  const sink = await startSink();
  const acked = { f: new Set<string>(), s: new Set<string>() };
  const failures: string[] = [];
  const script = await bundleChild(join(here, 'queue-crash-child.ts'), ['better-sqlite3', 'pg']);
  let cleanOpens = 0;
  let slowestOpenMs = 0;
  try {
    for (let k = 0; k < kills; k++) {
      const life = launch(script, dir, sink.url, acked, failures);
      const openMs = await life.ready;
      if (openMs < 0) break;
      cleanOpens++;
      slowestOpenMs = Math.max(slowestOpenMs, openMs);
      const wait =
        minRunMs +
        Math.floor((crypto.getRandomValues(new Uint32Array(1))[0]! / 2 ** 32) * (maxRunMs - minRunMs));
      await new Promise((r) => setTimeout(r, wait));
      life.child.kill('SIGKILL');
      await life.exited;
      if ((k + 1) % 25 === 0) log(`${k + 1} kills, ${acked.f.size} + ${acked.s.size} acked enqueues`);
    }
    // The final open, in this process, shifts its clock past every lease the last child left.
    const clock = { now: () => Date.now() + 3_600_000 };
    const replay = async (store: QueueStore) => {
      const queue = createIntentQueue({
        store,
        device: 'replayer',
        clock,
        autoDeliver: false,
        batchSize: 100,
        send: createHttpSender({ url: sink.url, concurrency: 16 }),
      });
      for (let i = 0; i < 100 && (await queue.size()) > 0; i++) await queue.flush();
      await queue.close();
    };
    const file = await openFileStore({ dir: join(dir, 'file') });
    const sqlite = await openSqliteStore({ path: join(dir, 'queue.db') });
    cleanOpens++;
    const result: CrashResult = {
      kills,
      cleanOpens,
      failedOpens: failures,
      slowestOpenMs,
      file: await verdict(file, acked.f, sink.applied, replay),
      sqlite: await verdict(sqlite, acked.s, sink.applied, replay),
      httpRequests: sink.requests(),
      seconds: Math.round((performance.now() - started) / 100) / 10,
    };
    await file.close();
    await sqlite.close();
    return result;
  } finally {
    sink.server.closeAllConnections();
    await new Promise((r) => sink.server.close(r));
    rmSync(dir, { recursive: true, force: true });
  }
}
