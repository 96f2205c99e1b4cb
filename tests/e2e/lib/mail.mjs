// Reads the .eml files careid's file outbox writes (data_dir/outbox/email/):
// RFC 5322 headers, MIME multipart bodies, quoted-printable and base64.

import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** Every message in `dir`, oldest first: { file, headers, subject, to, text, html }. */
export async function readOutbox(dir) {
  let names;
  try {
    names = (await readdir(dir)).filter((name) => name.endsWith('.eml'));
  } catch (e) {
    if (e.code === 'ENOENT') return [];
    throw e;
  }
  const messages = [];
  for (const name of names) {
    const file = join(dir, name);
    const [raw, info] = await Promise.all([readFile(file), stat(file)]);
    messages.push({ file, mtime: info.mtimeMs, ...parseMessage(raw.toString('latin1')) });
  }
  return messages.sort((a, b) => a.mtime - b.mtime || a.file.localeCompare(b.file));
}

/**
 * Parses one message given as a latin1 string (one char per byte, so
 * decoding to UTF-8 happens after the transfer encoding is undone).
 */
export function parseMessage(raw) {
  const entity = parseEntity(raw);
  const parts = leaves(entity);
  const find = (type) => parts.find((p) => p.type === type && !p.attachment);
  return {
    headers: entity.headers,
    subject: decodeWords(entity.headers.get('subject') ?? ''),
    to: decodeWords(entity.headers.get('to') ?? ''),
    text: find('text/plain')?.body ?? '',
    html: find('text/html')?.body ?? '',
  };
}

/** The absolute links in a message's text part (the html part carries the same). */
export function linksIn(message) {
  const source = message.text || message.html;
  return [...source.matchAll(/https?:\/\/[^\s"'<>]+/g)].map((m) => m[0].replace(/[.,;:)]+$/, ''));
}

/** The href of every link in a message's html part, HTML entities decoded. */
export function hrefsIn(message) {
  return [...message.html.matchAll(/<a\s[^>]*href="([^"]*)"/gi)].map((m) => decodeEntities(m[1]));
}

function decodeEntities(text) {
  const named = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
  return text.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (whole, entity) => {
    if (entity[0] !== '#') return named[entity.toLowerCase()] ?? whole;
    const code = entity[1].toLowerCase() === 'x' ? parseInt(entity.slice(2), 16) : parseInt(entity.slice(1), 10);
    return String.fromCodePoint(code);
  });
}

function parseEntity(raw) {
  const split = raw.search(/\r?\n\r?\n/);
  const head = split < 0 ? raw : raw.slice(0, split);
  const body = split < 0 ? '' : raw.slice(split).replace(/^\r?\n\r?\n/, '');
  const headers = new Map();
  // Unfold continuation lines (RFC 5322 §2.2.3), then one header a line.
  for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  const { value: type, params } = parseHeaderValue(headers.get('content-type') ?? 'text/plain; charset=us-ascii');
  const disposition = parseHeaderValue(headers.get('content-disposition') ?? '').value;
  if (type.startsWith('multipart/')) {
    if (!params.boundary) throw new Error(`multipart message without a boundary: ${headers.get('content-type')}`);
    return { headers, type, parts: splitMultipart(body, params.boundary).map(parseEntity) };
  }
  const bytes = decodeTransfer(body, (headers.get('content-transfer-encoding') ?? '7bit').toLowerCase());
  return {
    headers,
    type,
    attachment: disposition === 'attachment',
    body: new TextDecoder(params.charset || 'utf-8').decode(bytes),
  };
}

function leaves(entity) {
  return entity.parts ? entity.parts.flatMap(leaves) : [entity];
}

/** `text/plain; charset="utf-8"` → { value: 'text/plain', params: { charset: 'utf-8' } }. */
function parseHeaderValue(header) {
  const [value, ...rest] = header.split(';');
  const params = {};
  for (const param of rest) {
    const eq = param.indexOf('=');
    if (eq < 0) continue;
    params[param.slice(0, eq).trim().toLowerCase()] = param.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1');
  }
  return { value: value.trim().toLowerCase(), params };
}

function splitMultipart(body, boundary) {
  const parts = [];
  let current = null;
  for (const line of body.split(/\r?\n/)) {
    if (line === `--${boundary}--`) break;
    if (line === `--${boundary}`) {
      if (current) parts.push(current.join('\r\n'));
      current = [];
    } else if (current) {
      current.push(line);
    }
  }
  if (current) parts.push(current.join('\r\n'));
  return parts;
}

function decodeTransfer(body, encoding) {
  switch (encoding) {
    case 'base64':
      return Buffer.from(body.replace(/\s+/g, ''), 'base64');
    case 'quoted-printable':
      return decodeQuotedPrintable(body);
    case '7bit':
    case '8bit':
    case 'binary':
      return Buffer.from(body, 'latin1');
    default:
      throw new Error(`unknown Content-Transfer-Encoding ${encoding}`);
  }
}

/** RFC 2045 §6.7: `=XX` is a byte, `=` at the end of a line is a soft break. */
export function decodeQuotedPrintable(body) {
  const text = body.replace(/[ \t]+(?=\r?\n)/g, '').replace(/=\r?\n/g, '');
  const bytes = [];
  for (let i = 0; i < text.length; i++) {
    const hex = text.slice(i + 1, i + 3);
    if (text[i] === '=' && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(text.charCodeAt(i) & 0xff);
    }
  }
  return Buffer.from(bytes);
}

/** RFC 2047 encoded words in a header: `=?utf-8?b?…?=` and `=?utf-8?q?…?=`. */
export function decodeWords(header) {
  const words = /=\?([^?]+)\?([bBqQ])\?([^?]*)\?=/g;
  return header
    .replace(/(\?=)\s+(?==\?)/g, '$1') // whitespace between two encoded words is not text
    .replace(words, (_, charset, kind, data) => {
      const bytes =
        kind.toLowerCase() === 'b'
          ? Buffer.from(data, 'base64')
          : decodeQuotedPrintable(data.replace(/_/g, ' '));
      return new TextDecoder(charset).decode(bytes);
    });
}
