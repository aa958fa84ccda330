/**
 * admin-realtime service worker (dist/cdn/admin-realtime-sw.js): shows the hub's Web Push
 * notifications and opens the panel on a click. Serve it from your panel's origin (a service worker
 * only controls pages of its own origin and path) and register it with `enablePush(store,
 * { serviceWorkerUrl })`. No imports: copy it as it is, or `importScripts()` it from a worker of yours.
 *
 * The push payload (the hub's `PushPayload`): `{title, body, url, tag, priority, id}`.
 */
/* global self, URL */

self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

self.addEventListener('push', (event) => {
  let data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch {
    data = { body: event.data ? event.data.text() : '' };
  }
  const urgent = data.priority === 'critical' || data.priority === 'high';
  const options = {
    body: typeof data.body === 'string' ? data.body : '',
    data: { url: typeof data.url === 'string' ? data.url : null, id: data.id ?? null },
  };
  if (typeof data.tag === 'string' && data.tag) {
    // One notification per incident: a repeat replaces it, and alerts again when it matters.
    options.tag = data.tag;
    options.renotify = urgent;
  }
  if (data.priority === 'critical') options.requireInteraction = true;
  const title = typeof data.title === 'string' && data.title ? data.title : 'Notification';
  event.waitUntil(self.registration.showNotification(title, options));
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const scope = self.registration.scope;
  let target;
  try {
    target = new URL(event.notification.data?.url || scope, scope);
  } catch {
    target = new URL(scope);
  }
  if (target.protocol !== 'https:' && target.protocol !== 'http:') target = new URL(scope);
  event.waitUntil(
    (async () => {
      const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
      // A tab of the panel already open: bring it forward and show the notification there.
      const open = windows.find((client) => {
        const at = new URL(client.url);
        return at.origin === target.origin && at.pathname === target.pathname;
      });
      if (open) {
        await open.focus();
        if (open.url !== target.href) await open.navigate(target.href).catch(() => undefined);
        return;
      }
      await self.clients.openWindow(target.href);
    })(),
  );
});
