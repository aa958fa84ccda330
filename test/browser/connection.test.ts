import { expect } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import { RealtimeConnection } from '../../src/core/connection.js';
import type { AuthMessage } from '../../src/core/protocol.js';
import { waitFor, waitForState } from '../support/wait-for.js';

interface ServerInfo {
  connections: number;
  auths: AuthMessage[];
  requestUrls: string[];
}

describe('RealtimeConnection in the browser', () => {
  let id = 0;
  let connection: RealtimeConnection | undefined;

  afterEach(async () => {
    connection?.close();
    if (id) await executeServerCommand('test-server-stop', { id });
    id = 0;
  });

  it('connects with the native WebSocket and resumes after a restart without duplicates', async () => {
    const started = (await executeServerCommand('test-server-start', {})) as { id: number; url: string };
    id = started.id;
    connection = new RealtimeConnection({ url: started.url, token: 'browser-token', random: () => 0 });
    const seqs: number[] = [];
    connection.onMessage((m) => {
      if (m.type === 'event') seqs.push(m.event.seq);
    });
    connection.connect();
    await waitForState(connection, 'connected');
    await executeServerCommand('test-server-publish', { id, count: 2 });
    await waitFor(() => seqs.length === 2, { message: 'two events' });

    await executeServerCommand('test-server-close-all', { id, code: 4200, reason: 'hub-restarting' });
    await executeServerCommand('test-server-publish', { id, count: 1 });
    await waitFor(() => seqs.length === 3, { message: 'third event after the restart' });
    await waitForState(connection, 'connected');
    expect(seqs).to.deep.equal([1, 2, 3]);
    const info = (await executeServerCommand('test-server-info', { id })) as ServerInfo;
    expect(info.connections).to.equal(2);
    expect(info.auths[1]?.resumeFrom).to.equal(2);
    expect(info.requestUrls).to.deep.equal(['/v1/ws', '/v1/ws']);
  });

  it('listens to the window: close() removes its listeners', async () => {
    const started = (await executeServerCommand('test-server-start', {})) as { id: number; url: string };
    id = started.id;
    connection = new RealtimeConnection({ url: started.url, token: 'browser-token' });
    connection.connect();
    await waitForState(connection, 'connected');
    connection.close();
    window.dispatchEvent(new Event('online'));
    expect(connection.state.status).to.equal('closed');
  });
});
