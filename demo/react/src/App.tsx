import type {
  ConnectionState,
  ListedNotification,
  RealtimeProvider as RealtimeProviderElement,
  RealtimeStore,
} from 'admin-realtime';
// The typed React components (they register the elements): props from the element classes,
// `realtime-*` events as `onRealtime…` callbacks with a typed `detail`.
import { AdminNotificationCenter, ConnectionStatus, NotificationBell, RealtimeProvider } from 'admin-realtime/react';
import { useEffect, useRef, useState } from 'react';

// The hub's WebSocket endpoint: `?hub=` (the tests use it), else VITE_HUB_URL, else this origin's /v1/ws
// (in `vite` dev, proxied to `npm start`'s hub: ../../dev-proxy.ts).
const HUB_URL =
  new URLSearchParams(location.search).get('hub') ??
  import.meta.env.VITE_HUB_URL ??
  `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/v1/ws`;
// Your backend's endpoint that signs the signed-in admin's token (see the README's "signing tokens").
const TOKEN_URL: string = import.meta.env.VITE_TOKEN_URL ?? '/api/realtime-token';

/** Module-level, so its identity never changes: a new function would re-authenticate. */
async function fetchToken(): Promise<string> {
  const res = await fetch(TOKEN_URL, { credentials: 'same-origin' });
  if (!res.ok) throw new Error(`token endpoint: HTTP ${res.status}`);
  return ((await res.json()) as { token: string }).token;
}

const CATEGORIES = ['system', 'security', 'billing', 'agents', 'users', 'calls'];

export function App() {
  const provider = useRef<RealtimeProviderElement>(null);
  const [connection, setConnection] = useState<ConnectionState['status']>('idle');
  const [last, setLast] = useState<ListedNotification | null>(null);
  const [received, setReceived] = useState(0);
  const [opened, setOpened] = useState('—');
  const [categories, setCategories] = useState<string[]>(CATEGORIES);
  const [store, setStore] = useState<RealtimeStore | undefined>(undefined);

  // The provider creates its store when it connects to the DOM; hand it to an element elsewhere.
  useEffect(() => setStore(provider.current?.store), []);

  const toggle = (category: string, on: boolean) =>
    setCategories((list) =>
      on ? CATEGORIES.filter((c) => c === category || list.includes(c)) : list.filter((c) => c !== category),
    );

  return (
    <>
      <RealtimeProvider
        ref={provider}
        url={HUB_URL}
        tokenProvider={fetchToken}
        categories={categories}
        onRealtimeStateChange={(event) => setConnection(event.detail.status)}
        onRealtimeNotification={(event) => {
          setLast(event.detail);
          setReceived((n) => n + 1);
        }}
      >
        <header className="bar">
          <strong>Acme Voice — React 19</strong>
          <span>
            Connection (React state): <output data-testid="connection">{connection}</output>
          </span>
          <NotificationBell />
        </header>
        <main>
          <p>
            Last notification (React state): <output data-testid="last-title">{last?.title ?? '—'}</output> · received{' '}
            <output data-testid="received">{received}</output> · opened (onRealtimeNotificationClick):{' '}
            <output data-testid="opened">{opened}</output>
          </p>
          <fieldset>
            <legend>Categories (the provider's `categories` property; the hub filters)</legend>
            {CATEGORIES.map((c) => (
              <label key={c}>
                <input
                  type="checkbox"
                  name={c}
                  checked={categories.includes(c)}
                  onChange={(e) => toggle(c, e.currentTarget.checked)}
                />
                {c}
              </label>
            ))}
          </fieldset>
          <AdminNotificationCenter
            heading="Notifications"
            onRealtimeNotificationClick={(event) => setOpened(event.detail.notification.title)}
          />
        </main>
      </RealtimeProvider>
      <footer>
        {/* Outside the provider: given the store as a property. */}
        <ConnectionStatus store={store} variant="badge" />
      </footer>
    </>
  );
}
