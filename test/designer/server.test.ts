/** `flowc design`'s server: the file API stays inside DIR, answers only to its own host, and writes atomically. */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDesignServer, type DesignServer } from '../../designer/node/server.js';

function call(
  server: DesignServer,
  method: string,
  pathAndQuery: string,
  options: { body?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: server.port, method, path: pathAndQuery, headers: options.headers ?? {} },
      (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

describe('flowc design server', () => {
  let root: string;
  let dir: string;
  let server: DesignServer;

  beforeAll(async () => {
    root = mkdtempSync(path.join(os.tmpdir(), 'flows-design-'));
    dir = path.join(root, 'app');
    mkdirSync(path.join(dir, 'sub'), { recursive: true });
    writeFileSync(path.join(dir, 'a.flow'), 'cordapp com.example.a version 1.0.0\n');
    writeFileSync(path.join(dir, 'sub', 'b.flow'), 'flow B() {\n}\n');
    writeFileSync(path.join(root, 'secret.flow'), 'secret\n');
    symlinkSync(root, path.join(dir, 'escape'));
    server = await startDesignServer({ dir });
  });

  afterAll(async () => {
    await server.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('listens on 127.0.0.1 only and serves the workspace', async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const response = await call(server, 'GET', '/api/workspace');
    expect(response.status).toBe(200);
    const payload = JSON.parse(response.body) as { files: { path: string }[]; library: { path: string }[] };
    expect(payload.files.map((f) => f.path)).toEqual(['a.flow', 'sub/b.flow']);
    expect(payload.library.length).toBeGreaterThan(0);
  });

  it('reads and writes .flow files and layout sidecars inside DIR', async () => {
    expect((await call(server, 'GET', '/api/file?path=sub/b.flow')).body).toBe('flow B() {\n}\n');
    const put = await call(server, 'PUT', '/api/file?path=a.flow', { body: 'changed\n' });
    expect(put.status).toBe(204);
    expect(readFileSync(path.join(dir, 'a.flow'), 'utf8')).toBe('changed\n');
    const sidecar = JSON.stringify({ version: 1, views: {} });
    expect((await call(server, 'PUT', '/api/file?path=a.flow.layout.json', { body: sidecar })).status).toBe(
      204,
    );
    expect(
      (await call(server, 'PUT', '/api/file?path=a.flow.layout.json', { body: 'not json' })).status,
    ).toBe(400);
  });

  it('refuses paths outside DIR, other files, other hosts and other origins', async () => {
    const outside = [
      '../secret.flow',
      'sub/../../secret.flow',
      '/etc/passwd.flow',
      'escape/secret.flow',
      'sub\\..\\..\\secret.flow',
    ];
    for (const p of outside) {
      const response = await call(server, 'GET', `/api/file?path=${encodeURIComponent(p)}`);
      expect([p, response.status]).toEqual([p, 403]);
      const write = await call(server, 'PUT', `/api/file?path=${encodeURIComponent(p)}`, { body: 'x' });
      expect([p, write.status]).toEqual([p, 403]);
    }
    expect((await call(server, 'GET', '/api/file?path=%2E%2E%2Fsecret.flow')).status).toBe(403);
    expect(readFileSync(path.join(root, 'secret.flow'), 'utf8')).toBe('secret\n');
    expect((await call(server, 'GET', '/api/file?path=package.json')).status).toBe(403);
    const otherHost = await call(server, 'GET', '/api/workspace', { headers: { host: 'evil.example:80' } });
    expect(otherHost.status).toBe(403);
    const otherOrigin = await call(server, 'PUT', '/api/file?path=a.flow', {
      body: 'x',
      headers: { origin: 'http://evil.example' },
    });
    expect(otherOrigin.status).toBe(403);
    const host = await call(server, 'GET', `/api/host?from=a.flow&spec=${encodeURIComponent('../../x.ts')}`);
    expect(JSON.parse(host.body)).toMatchObject({ ok: false });
  });
});
