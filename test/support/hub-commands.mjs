// web-test-runner server commands: browser tests call these through `executeServerCommand` to
// reach Node (start a hub on 127.0.0.1 port 0, publish to it, stop it). Handlers live in
// test/support/commands.ts, loaded through tsx (the runner is started with `--import tsx`).
export function hubCommandsPlugin() {
  let handlers;
  return {
    name: 'admin-realtime-commands',
    async executeCommand({ command, payload }) {
      handlers ??= (await import('./commands.ts')).commands;
      const handler = handlers[command];
      if (!handler) return undefined;
      return (await handler(payload ?? {})) ?? null;
    },
    async serverStop() {
      if (handlers?.['stop-all']) await handlers['stop-all']({});
    },
  };
}
