/**
 * A push service on 127.0.0.1 over HTTPS with a certificate made for the run (openssl): it records
 * every request (headers and raw body) and answers the status its test set for the next ones.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent, createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface PushRequest {
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  /** When the request's body was complete (performance.now()). */
  receivedAt: number;
}

export interface PushService {
  /** `https://127.0.0.1:port`. */
  origin: string;
  /** An https agent trusting the service's certificate (the push channel's `agent` option). */
  agent: Agent;
  /** The certificate, PEM. */
  cert: string;
  requests: PushRequest[];
  /** The status for requests to `path` (default 201). */
  answer(path: string, status: number): void;
  /** Resolves with the next request not yet taken; rejects after `timeoutMs` (default 5000). */
  next(timeoutMs?: number): Promise<PushRequest>;
  close(): Promise<void>;
}

/** A self-signed P-256 certificate for 127.0.0.1. */
export function selfSignedCertificate(): { key: string; cert: string } {
  const dir = mkdtempSync(join(tmpdir(), 'admin-realtime-push-cert-'));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
      ],
      { stdio: 'ignore' },
    );
    return { key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert: readFileSync(join(dir, 'cert.pem'), 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function startPushService(): Promise<PushService> {
  const { key, cert } = selfSignedCertificate();
  const statuses = new Map<string, number>();
  const requests: PushRequest[] = [];
  let taken = 0;
  const waiters: Array<() => void> = [];
  const server = createServer({ key, cert }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const path = req.url ?? '/';
      requests.push({ path, headers: req.headers, body: Buffer.concat(chunks), receivedAt: performance.now() });
      res.writeHead(statuses.get(path) ?? 201).end();
      for (const wake of waiters.splice(0)) wake();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const agent = new Agent({ ca: cert, keepAlive: true });
  return {
    origin: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
    agent,
    cert,
    requests,
    answer: (path, status) => statuses.set(path, status),
    async next(timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      while (taken >= requests.length) {
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`no push request within ${timeoutMs} ms`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left);
          waiters.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
      return requests[taken++]!;
    },
    async close() {
      agent.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
