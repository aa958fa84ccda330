/**
 * What a `Session` talks through: `ws`'s WebSocket on `/v1/ws`, or an HTTP rung's adapter behind
 * Server-Sent Events or a long poll (fallback/http-socket.ts). The events are `ws`'s: `message`
 * (data, isBinary), `pong`, `error`, `close` (code, reason). `_socket` is the writable the frames go
 * out on (the TCP socket, or the HTTP response): `corked`, `drained` and `sendPrepared`
 * (prepared-frame.ts) use it; a socket that is not `OPEN` (`readyState` 1) is written through
 * `send` only.
 */
import type { Writable } from 'node:stream';
import type { RawData } from 'ws';

export interface SessionSocket {
  readonly readyState: number;
  readonly bufferedAmount: number;
  readonly _socket?: Writable | null;
  on(event: 'message', listener: (data: RawData, isBinary: boolean) => void): unknown;
  on(event: 'pong', listener: () => void): unknown;
  on(event: 'error', listener: (err: Error) => void): unknown;
  on(event: 'close', listener: (code: number, reason: Buffer) => void): unknown;
  send(data: string | Buffer, options: { binary: boolean }): void;
  ping(): void;
  close(code: number, reason: string): void;
  terminate(): void;
}
