/**
 * An identity provider's JSON Web Key Set served over real HTTP on 127.0.0.1, for key rotation
 * and outage tests: publish `keys`, make it `failing` (503), count `fetches`.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, type JWK } from 'jose';

export const JWKS_PATH = '/.well-known/jwks.json';

export class JwksServer {
  /** The keys served now; replace to rotate. */
  keys: JWK[] = [];
  /** Requests answered (or failed) since the last reset. */
  fetches = 0;
  /** Answer 503 instead of the set. */
  failing = false;

  private constructor(
    private readonly server: Server,
    /** `http://127.0.0.1:port/.well-known/jwks.json`. */
    readonly url: string,
  ) {}

  static async start(): Promise<JwksServer> {
    let idp: JwksServer | undefined;
    const server = createServer((req, res) => {
      if (!idp) return res.writeHead(503).end();
      idp.fetches++;
      if (idp.failing || req.url !== JWKS_PATH) return res.writeHead(idp.failing ? 503 : 404).end();
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: idp.keys }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    idp = new JwksServer(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}${JWKS_PATH}`);
    return idp;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** A fresh key pair with its public JWK under `kid`. */
export async function signingKey(alg: 'RS256' | 'ES256', kid: string) {
  const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
  return { privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } as JWK };
}
