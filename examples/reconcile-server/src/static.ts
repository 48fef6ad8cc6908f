/**
 * Serves a built web app (the PWA) from a directory, so the app, its service
 * worker and the API share one origin: no CORS, and the service worker's
 * scope covers the API calls it caches.
 */
import { readFile, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { problem, send } from './http.js';
import { badTarget, pathOf } from './request-checks.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
};

/** Answers GET/HEAD for files under `root`; `index.html` for paths without an extension (client routes). */
export function createStaticHandler(
  root: string,
): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const base = resolve(root);
  return async (req, res) => {
    const raw = pathOf(req.url);
    let path: string;
    try {
      if (raw === undefined) throw new URIError('not a URL');
      path = decodeURIComponent(raw);
    } catch {
      // `/%zz` or a broken UTF-8 escape: no file can have that name, and it is the client's to fix.
      return send(res, badTarget());
    }
    let file = normalize(join(base, path));
    if (file !== base && !file.startsWith(base + sep)) return notFound(res);
    let info = await stat(file).catch(() => undefined);
    if (info?.isDirectory()) {
      file = join(file, 'index.html');
      info = await stat(file).catch(() => undefined);
    }
    if (!info && extname(path) === '') {
      file = join(base, 'index.html');
      info = await stat(file).catch(() => undefined);
    }
    if (!info?.isFile()) return notFound(res);
    const body = await readFile(file);
    const name = file.slice(base.length);
    res.writeHead(200, {
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      'content-length': String(body.length),
      // Hashed assets never change; the page and the service worker must be re-checked so updates land.
      'cache-control': name.startsWith(`${sep}assets${sep}`)
        ? 'public, max-age=31536000, immutable'
        : 'no-cache',
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  };
}

// A problem like every other refusal of this server, so a client parses one format.
function notFound(res: ServerResponse): void {
  send(res, problem(404, 'not-found', 'No such file', 'Nothing is served at this path.'));
}
