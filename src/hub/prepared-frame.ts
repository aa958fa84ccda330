/**
 * A text frame framed once and written to many sockets. `ws` frames every `send` anew (a header
 * buffer, cork, two writes, uncork) per socket; for a fan-out the frame is the same for every
 * socket, so the hub frames it once with `ws`'s own `Sender.frame` (made static for this use,
 * websockets/ws#1016) and writes the bytes straight to each socket.
 */
import * as wsModule from 'ws';
import { WebSocket } from 'ws';
import type { SessionSocket } from './session-socket.js';

/** `ws` exports its Sender at runtime; @types/ws does not declare it. */
interface SenderApi {
  frame(
    data: Buffer,
    options: { fin: boolean; opcode: number; mask: boolean; readOnly: boolean; rsv1: boolean },
  ): Buffer[];
}
const Sender = (wsModule as unknown as { Sender?: SenderApi }).Sender;

export interface PreparedFrame {
  /** The payload: UTF-8 JSON text. */
  readonly data: Buffer;
  /** The whole frame on the wire: header and payload (server frames are not masked). */
  readonly wire: Buffer | undefined;
}

export function prepareFrame(text: string): PreparedFrame {
  const data = Buffer.from(text, 'utf8');
  const parts = Sender?.frame(data, { fin: true, opcode: 0x01, mask: false, readOnly: false, rsv1: false });
  return { data, wire: parts && (parts.length === 1 ? parts[0] : Buffer.concat(parts)) };
}

/** The part of a `ws` socket this relies on besides `_socket` (test/node/hub checks it is still there). */
interface WsInternals {
  _sender?: { _state?: number } | null;
}

/** ws's Sender state when it sends nothing queued (no compression or Blob read in progress). */
const SENDER_IDLE = 0;

/**
 * Writes `frame` to the socket. Straight to the underlying socket when that is safe: the socket is
 * open and ws's sender is idle, so no frame of its own can be half written or queued and frames
 * never interleave; otherwise through `ws.send`, which queues behind what it is doing.
 */
export function sendPrepared(ws: SessionSocket, frame: PreparedFrame): void {
  const socket = ws._socket;
  if (
    frame.wire &&
    ws.readyState === WebSocket.OPEN &&
    (ws as SessionSocket & WsInternals)._sender?._state === SENDER_IDLE &&
    socket?.writable
  ) {
    socket.write(frame.wire);
  } else ws.send(frame.data, { binary: false });
}

/** Runs `write` with the socket corked, so the frames it writes leave in one system call. */
export function corked(ws: SessionSocket, write: () => void): void {
  const socket = ws._socket;
  socket?.cork();
  try {
    write();
  } finally {
    socket?.uncork();
  }
}

/**
 * Resolves once the socket has written out what it buffered past its high-water mark (its
 * 'drain'), at once when it holds less; also when the socket closes, so a waiter never hangs.
 */
export function drained(ws: SessionSocket): Promise<void> {
  const socket = ws._socket;
  if (!socket?.writableNeedDrain || socket.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      socket.off('drain', done);
      socket.off('close', done);
      resolve();
    };
    socket.on('drain', done);
    socket.on('close', done);
  });
}
