// The harness's email reader, on messages shaped like lettre's (careid's outbox).

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { decodeWords, hrefsIn, linksIn, parseMessage } from './lib/mail.mjs';

const crlf = (lines) => lines.join('\r\n');

test('a multipart message gives its text and its quoted-printable html, soft breaks and UTF-8 undone', () => {
  const raw = crlf([
    'From: careid <no-reply@localhost>',
    'To: zoe@example.com',
    'Subject: =?utf-8?b?Q2Fmw6kgaW52aXRhdGlvbg==?=',
    'MIME-Version: 1.0',
    'Content-Type: multipart/alternative;',
    ' boundary="B0UND"',
    '',
    '--B0UND',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 7bit',
    '',
    'Open http://localhost:1/invite/abc.',
    '--B0UND',
    'Content-Type: text/html; charset=utf-8',
    'Content-Transfer-Encoding: quoted-printable',
    '',
    '<p>Caf=C3=A9</p><a href=3D"http:&#x2f;&#x2f;localhost:1&#x2f;inv=',
    'ite&#x2f;abc" style=3D"x">Go</a>',
    '--B0UND--',
    '',
  ]);
  const message = parseMessage(Buffer.from(raw, 'utf8').toString('latin1'));
  assert.equal(message.subject, 'Café invitation');
  assert.equal(message.to, 'zoe@example.com');
  assert.equal(message.text, 'Open http://localhost:1/invite/abc.');
  assert.equal(message.html, '<p>Café</p><a href="http:&#x2f;&#x2f;localhost:1&#x2f;invite&#x2f;abc" style="x">Go</a>');
  assert.deepEqual(linksIn(message), ['http://localhost:1/invite/abc']);
  assert.deepEqual(hrefsIn(message), ['http://localhost:1/invite/abc']);
});

test('a base64 body and a quoted-printable subject decode', () => {
  const raw = crlf([
    'To: a@example.com',
    'Subject: =?utf-8?q?R=C3=A9initialiser_le?= =?utf-8?q?_mot_de_passe?=',
    'Content-Type: text/plain; charset="utf-8"',
    'Content-Transfer-Encoding: base64',
    '',
    Buffer.from('Bonjour Zoë,\nhttps://id.example/password/reset/t0k\n').toString('base64'),
  ]);
  const message = parseMessage(raw);
  assert.equal(message.subject, 'Réinitialiser le mot de passe');
  assert.equal(message.text, 'Bonjour Zoë,\nhttps://id.example/password/reset/t0k\n');
  assert.deepEqual(linksIn(message), ['https://id.example/password/reset/t0k']);
});

test('plain headers pass through decodeWords unchanged', () => {
  assert.equal(decodeWords('Verify your email address'), 'Verify your email address');
});
