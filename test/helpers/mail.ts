// A local SMTP server and webhook receiver for notification tests, and a small decoder for the
// text part of a nodemailer message (single part or multipart with attachments).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface Sink<T> {
  items: T[];
  port: number;
  close(): Promise<void>;
}

export async function startSmtpSink(): Promise<Sink<{ to: string; raw: string }>> {
  const items: { to: string; raw: string }[] = [];
  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    size: 20 * 1024 * 1024,
    onData(stream, session, cb) {
      let raw = '';
      stream.on('data', (c: Buffer) => (raw += c.toString('utf8')));
      stream.on('end', () => {
        items.push({ to: session.envelope.rcptTo.map((r) => r.address).join(','), raw });
        cb();
      });
    },
  });
  await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', r));
  return { items, port: (smtp.server.address() as AddressInfo).port, close: () => new Promise((r) => smtp.close(() => r())) };
}

export async function startWebhookSink(status = 204): Promise<Sink<{ path: string; headers: http.IncomingHttpHeaders; body: string }> & { url(p: string): string }> {
  const items: { path: string; headers: http.IncomingHttpHeaders; body: string }[] = [];
  const srv = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      items.push({ path: req.url ?? '', headers: req.headers, body });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as AddressInfo).port;
  return { items, port, url: (p) => `http://127.0.0.1:${port}${p}`, close: () => new Promise((r) => srv.close(() => r())) };
}

function decodePart(headers: string, body: string): string {
  if (/Content-Transfer-Encoding: base64/i.test(headers)) return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  const qp = body.replace(/=\r?\n/g, '');
  return Buffer.from(qp.replace(/=([0-9A-F]{2})/gi, (_m, h) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8');
}

/** the text part of a nodemailer message (quoted-printable or base64) */
export function decodeMail(raw: string): string {
  const split = raw.search(/\r?\n\r?\n/);
  const head = raw.slice(0, split);
  const boundary = /boundary="?([^";\r\n]+)"?/i.exec(head)?.[1];
  if (!boundary) return decodePart(head, raw.slice(split));
  for (const part of raw.split(`--${boundary}`)) {
    const i = part.search(/\r?\n\r?\n/);
    if (i > 0 && /Content-Type: text\/plain/i.test(part.slice(0, i))) return decodePart(part.slice(0, i), part.slice(i));
  }
  return '';
}

/** the MIME parts' content types and file names */
export function mailParts(raw: string): { type: string; filename?: string }[] {
  return [...raw.matchAll(/Content-Type: ([\w/.-]+)(?:;[^\r\n]*(?:\r?\n[ \t][^\r\n]*)*)?/gi)].map((m) => ({
    type: m[1].toLowerCase(),
    filename: /name="?([^";\r\n]+)"?/i.exec(m[0])?.[1],
  }));
}
