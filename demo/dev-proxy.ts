/**
 * Dev-server glue for demo/react and demo/vue, so that `npx vite demo/react` (or `demo/vue`) runs
 * against the hub of `npm start` (http://localhost:8787, or ADMIN_REALTIME_DEMO_URL). Vite's proxy
 * stands in for the app's own backend:
 * - `/api/realtime-token` → the demo hub's `/v1/demo-token` (a real backend signs its own token);
 * - `/v1/ws` → the hub's WebSocket, presenting the hub's own origin, the one `npm start` allows.
 * Only for `vite` (dev). A built app talks to its hub directly (`?hub=` or `VITE_HUB_URL`), and
 * that hub's `allowedOrigins` must list the app's origin.
 */
import type { ProxyOptions } from 'vite';

export function demoHubProxy(
  target = process.env.ADMIN_REALTIME_DEMO_URL ?? 'http://localhost:8787',
): Record<string, ProxyOptions> {
  const origin = new URL(target).origin;
  return {
    '/api/realtime-token': { target, changeOrigin: true, rewrite: () => '/v1/demo-token' },
    '/v1/ws': {
      target,
      ws: true,
      changeOrigin: true,
      configure: (proxy) => proxy.on('proxyReqWs', (request) => request.setHeader('origin', origin)),
    },
  };
}
