import { createHash, randomBytes } from 'node:crypto';
import { request } from 'node:http';
import type { Socket } from 'node:net';

/**
 * A minimal WebSocket client (RFC 6455), enough to speak the Chrome DevTools protocol to a local
 * browser: text messages, fragmentation, ping/pong and close. Node 20 has no WebSocket without a
 * flag and the project adds no dependency for it. Client frames are masked as the RFC requires;
 * server frames are not. Large messages (multi-MB screenshots) are assembled once, not re-copied
 * on every chunk.
 */

export interface WsClient {
  send(text: string): void;
  onMessage(cb: (text: string) => void): void;
  onClose(cb: () => void): void;
  close(): void;
}

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

function frame(opcode: number, payload: Buffer): Buffer {
  const mask = randomBytes(4);
  const n = payload.length;
  const head = n < 126 ? Buffer.alloc(2) : n < 65536 ? Buffer.alloc(4) : Buffer.alloc(10);
  head[0] = 0x80 | opcode;
  if (n < 126) head[1] = 0x80 | n;
  else if (n < 65536) {
    head[1] = 0x80 | 126;
    head.writeUInt16BE(n, 2);
  } else {
    head[1] = 0x80 | 127;
    head.writeBigUInt64BE(BigInt(n), 2);
  }
  const body = Buffer.alloc(n);
  for (let i = 0; i < n; i++) body[i] = (payload[i] as number) ^ (mask[i & 3] as number);
  return Buffer.concat([head, mask, body]);
}

export function connectWebSocket(url: string, timeoutMs = 10_000): Promise<WsClient> {
  const u = new URL(url);
  if (u.protocol !== 'ws:') return Promise.reject(new Error(`only ws:// URLs are supported (got ${u.protocol})`));
  const key = randomBytes(16).toString('base64');
  return new Promise((resolve, reject) => {
    const req = request({
      host: u.hostname,
      port: u.port,
      path: `${u.pathname}${u.search}`,
      headers: { Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Key': key, 'Sec-WebSocket-Version': '13' },
      timeout: timeoutMs,
    });
    req.on('timeout', () => req.destroy(new Error(`WebSocket handshake with ${url} timed out`)));
    req.on('error', reject);
    req.on('response', (res) => reject(new Error(`WebSocket handshake refused: HTTP ${res.statusCode}`)));
    req.on('upgrade', (res, socket: Socket, head: Buffer) => {
      const expect = createHash('sha1').update(key + GUID).digest('base64');
      if (res.headers['sec-websocket-accept'] !== expect) {
        socket.destroy();
        return reject(new Error('WebSocket handshake: bad Sec-WebSocket-Accept'));
      }
      socket.setNoDelay(true);
      resolve(wrap(socket, head));
    });
    req.end();
  });
}

function wrap(socket: Socket, head: Buffer): WsClient {
  const listeners: ((t: string) => void)[] = [];
  const closers: (() => void)[] = [];
  let chunks: Buffer[] = head.length > 0 ? [head] : [];
  let have = head.length;
  let parts: Buffer[] = [];
  let closed = false;

  const flat = (): Buffer => {
    if (chunks.length > 1) chunks = [Buffer.concat(chunks)];
    return chunks[0] ?? Buffer.alloc(0);
  };
  /** Parses every complete frame buffered so far. */
  const drain = (): void => {
    for (;;) {
      if (have < 2) return;
      let buf = chunks[0] as Buffer;
      if (buf.length < 14 && chunks.length > 1) buf = flat();
      const b0 = buf[0] as number;
      const b1 = buf[1] as number;
      let len = b1 & 0x7f;
      let off = 2;
      if (len === 126) {
        if (buf.length < 4) return;
        len = buf.readUInt16BE(2);
        off = 4;
      } else if (len === 127) {
        if (buf.length < 10) return;
        len = Number(buf.readBigUInt64BE(2));
        off = 10;
      }
      const masked = (b1 & 0x80) !== 0;
      const total = off + (masked ? 4 : 0) + len;
      if (have < total) return;
      buf = flat();
      let payload = buf.subarray(off + (masked ? 4 : 0), total);
      if (masked) {
        const m = buf.subarray(off, off + 4);
        payload = Buffer.from(payload.map((x, i) => x ^ (m[i & 3] as number)));
      }
      const rest = buf.subarray(total);
      chunks = rest.length > 0 ? [rest] : [];
      have = rest.length;
      handle(b0 & 0x80 ? true : false, b0 & 0x0f, payload);
    }
  };
  const handle = (fin: boolean, opcode: number, payload: Buffer): void => {
    if (opcode === 0x8) {
      if (!closed) socket.end(frame(0x8, Buffer.alloc(0)));
      closed = true;
      return;
    }
    if (opcode === 0x9) return void socket.write(frame(0xa, payload));
    if (opcode === 0xa) return;
    // 0x1 text, 0x2 binary, 0x0 continuation: copy, since the buffer is reused for the next frames.
    parts.push(Buffer.from(payload));
    if (fin) {
      const text = Buffer.concat(parts).toString('utf8');
      parts = [];
      for (const l of listeners) l(text);
    }
  };
  socket.on('data', (d: Buffer) => {
    chunks.push(d);
    have += d.length;
    drain();
  });
  socket.on('close', () => {
    closed = true;
    for (const c of closers) c();
  });
  socket.on('error', () => socket.destroy());
  drain();
  return {
    send(text) {
      if (closed) throw new Error('WebSocket is closed');
      socket.write(frame(0x1, Buffer.from(text, 'utf8')));
    },
    onMessage: (cb) => void listeners.push(cb),
    onClose: (cb) => void closers.push(cb),
    close() {
      if (closed) return;
      closed = true;
      socket.end(frame(0x8, Buffer.alloc(0)));
    },
  };
}
