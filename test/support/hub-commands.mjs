// web-test-runner server commands: browser tests call these through `executeServerCommand` to
// reach Node (start a hub on 127.0.0.1 port 0, publish to it, stop it). Handlers live in
// test/support/commands.ts, loaded through tsx (the runner is started with `--import tsx`).
export function hubCommandsPlugin() {
  let handlers;
  return {
    name: 'admin-realtime-commands',
    async executeCommand({ command, payload, session }) {
      handlers ??= (await import('./commands.ts')).commands;
      const handler = handlers[command];
      if (!handler) return undefined;
      // The session lets a command reach the test's page (e.g. through CDP for heap counters).
      return (await handler(payload ?? {}, { session })) ?? null;
    },
    async serverStop() {
      if (handlers?.['stop-all']) await handlers['stop-all']({});
    },
  };
}
