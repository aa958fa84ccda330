/**
 * A real SMTP server on 127.0.0.1 (the `smtp-server` package) that keeps every message it accepts,
 * decoded enough to assert on: envelope, headers, the text and HTML parts. `failing` makes it
 * answer 451 (a temporary failure) to every message until it is cleared, as a mail server that
 * is down for a while.
 */
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { waitUntil } from './hub-harness.js';

export interface ReceivedMail {
  /** Envelope recipients. */
  to: string[];
  from: string;
  headers: Record<string, string>;
  text: string;
  html: string;
  /** When the DATA finished (epoch ms). */
  at: number;
}

/** Decodes a quoted-printable or base64 body part (nodemailer's encodings). */
function decodePart(encoding: string, body: string): string {
  if (/base64/i.test(encoding)) return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (/quoted-printable/i.test(encoding)) {
    const bytes = body
      .replace(/=\r?\n/g, '')
      .replace(/=([0-9A-F]{2})/gi, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
    return Buffer.from(bytes, 'latin1').toString('utf8');
  }
  return body;
}

function splitHeaders(raw: string): { headers: Record<string, string>; body: string } {
  const at = raw.search(/\r?\n\r?\n/);
  const head = raw.slice(0, at).replace(/\r?\n[ \t]+/g, ' ');
  const headers: Record<string, string> = {};
  for (const line of head.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { headers, body: raw.slice(at).replace(/^\r?\n\r?\n/, '') };
}

/** Decodes an RFC 2047 encoded-word header (`=?UTF-8?Q?…?=` / `=?UTF-8?B?…?=`). */
function decodeHeader(value: string): string {
  return value.replace(/=\?utf-8\?([qb])\?([^?]*)\?=\s*/gi, (_, kind: string, text: string) =>
    kind.toLowerCase() === 'b'
      ? Buffer.from(text, 'base64').toString('utf8')
      : decodePart('quoted-printable', text.replace(/_/g, ' ')),
  );
}

export function parseMail(raw: string, envelope: { to: string[]; from: string }, at: number): ReceivedMail {
  const { headers, body } = splitHeaders(raw);
  for (const key of Object.keys(headers)) headers[key] = decodeHeader(headers[key]!);
  const parts: Record<string, string> = {};
  const boundary = /boundary="?([^";]+)"?/.exec(headers['content-type'] ?? '')?.[1];
  const chunks = boundary ? body.split(`--${boundary}`).slice(1, -1) : [raw.slice(raw.search(/\r?\n\r?\n/))];
  for (const chunk of chunks) {
    const part = boundary ? splitHeaders(chunk.replace(/^\r?\n/, '')) : { headers, body };
    const type = /^(text\/\w+)/.exec(part.headers['content-type'] ?? 'text/plain')?.[1] ?? 'text/plain';
    parts[type] = decodePart(part.headers['content-transfer-encoding'] ?? '', part.body);
  }
  return { ...envelope, headers, text: parts['text/plain'] ?? '', html: parts['text/html'] ?? '', at };
}

export interface SmtpSink {
  /** `smtp://127.0.0.1:<port>` */
  readonly url: string;
  readonly received: ReceivedMail[];
  /** Answer 451 to every message while set. */
  failing: boolean;
  /** Messages refused while failing. */
  refused: number;
  /** Resolves with the first message matching. */
  waitFor(predicate: (mail: ReceivedMail) => boolean, label: string, timeoutMs?: number): Promise<ReceivedMail>;
  close(): Promise<void>;
}

export async function startSmtpSink(): Promise<SmtpSink> {
  const sink = {
    received: [] as ReceivedMail[],
    failing: false,
    refused: 0,
  };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        if (sink.failing) {
          sink.refused += 1;
          // Names the recipient, as real servers do: what the hub shows of it must be masked.
          const to = session.envelope.rcptTo.map((r) => r.address).join(', ');
          const err = Object.assign(new Error(`mailbox ${to} unavailable, try again later`), { responseCode: 451 });
          callback(err);
          return;
        }
        const envelope = {
          to: session.envelope.rcptTo.map((r) => r.address),
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
        };
        sink.received.push(parseMail(Buffer.concat(chunks).toString('utf8'), envelope, Date.now()));
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return Object.assign(sink, {
    url: `smtp://127.0.0.1:${port}`,
    waitFor(predicate: (mail: ReceivedMail) => boolean, label: string, timeoutMs = 10_000) {
      return waitUntil(() => sink.received.find(predicate), label, timeoutMs);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}
