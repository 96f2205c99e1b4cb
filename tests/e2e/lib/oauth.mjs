// The App's side of the code flow: PKCE, the authorization request, catching
// the redirect back in the browser, the token request, checking the ID token.

import { createHash, createPublicKey, randomBytes, verify } from 'node:crypto';

const b64url = (bytes) => Buffer.from(bytes).toString('base64url');

/** A fresh authorization request: state, nonce and a PKCE S256 pair. */
export function newAuthorizationRequest({ discovery, clientId, redirectUri, scope = 'openid', extra = {} }) {
  const verifier = b64url(randomBytes(32));
  const request = {
    clientId,
    redirectUri,
    state: b64url(randomBytes(16)),
    nonce: b64url(randomBytes(16)),
    codeVerifier: verifier,
  };
  const url = new URL(discovery.authorization_endpoint);
  const params = {
    response_type: 'code',
    client_id: clientId,
    redirect_uri: redirectUri,
    scope,
    state: request.state,
    nonce: request.nonce,
    code_challenge: b64url(createHash('sha256').update(verifier).digest()),
    code_challenge_method: 'S256',
    ...extra,
  };
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  request.url = url.href;
  return request;
}

/**
 * Intercepts the browser's navigation to `redirectUri` (nothing listens
 * there: the App would take over) and answers it with a small page. Call it
 * before the navigation; `wait()` then resolves to the redirect's query
 * parameters (code, state, iss, or error …) as an object.
 */
export async function catchRedirect(page, redirectUri) {
  const target = new URL(redirectUri);
  const isTarget = (url) => url.origin === target.origin && url.pathname === target.pathname;
  let resolveCaught;
  const caught = new Promise((ok) => (resolveCaught = ok));
  const handler = async (route) => {
    resolveCaught(Object.fromEntries(new URL(route.request().url()).searchParams));
    await route.fulfill({
      status: 200,
      contentType: 'text/html; charset=utf-8',
      body: '<!doctype html><title>App</title><h1 id="app-callback">Back in the App</h1>',
    });
  };
  // A blocked navigation never arrives: say why at once instead of timing out.
  let rejectBlocked;
  const blocked = new Promise((_, fail) => (rejectBlocked = fail));
  blocked.catch(() => {});
  const onConsole = (m) => {
    if (m.type() === 'error' && m.text().includes('Content Security Policy')) {
      rejectBlocked(new Error(`the browser blocked the way back to ${redirectUri}: ${m.text()}`));
    }
  };
  page.on('console', onConsole);
  await page.route(isTarget, handler);
  return {
    async wait({ timeoutMs = 30_000 } = {}) {
      let timer;
      const timeout = new Promise((_, fail) => {
        timer = setTimeout(
          () => fail(new Error(`no redirect to ${redirectUri} within ${timeoutMs} ms (page at ${page.url()})`)),
          timeoutMs,
        );
      });
      try {
        return await Promise.race([caught, blocked, timeout]);
      } finally {
        clearTimeout(timer);
        page.off('console', onConsole);
        await page.unroute(isTarget, handler).catch(() => {});
      }
    },
  };
}

/** The token request of a public client (no secret, the PKCE verifier). */
export async function exchangeCode({ discovery, request, code }) {
  const response = await fetch(discovery.token_endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: request.redirectUri,
      client_id: request.clientId,
      code_verifier: request.codeVerifier,
    }),
  });
  const body = await response.json();
  if (!response.ok) throw new Error(`token request failed: ${response.status} ${JSON.stringify(body)}`);
  return body;
}

/** A JWT's header and payload, without checking anything. */
export function decodeJwt(jwt) {
  const [header, payload] = jwt.split('.');
  return {
    header: JSON.parse(Buffer.from(header, 'base64url')),
    payload: JSON.parse(Buffer.from(payload, 'base64url')),
  };
}

const ALGORITHMS = {
  RS256: { hash: 'sha256' },
  PS256: { hash: 'sha256', padding: 6 /* RSA_PKCS1_PSS_PADDING */, saltLength: 32 },
  ES256: { hash: 'sha256', dsaEncoding: 'ieee-p1363' },
  EdDSA: { hash: null },
};

/** Checks a JWT's signature against the issuer's JWKS; resolves to its payload. */
export async function verifyJwt(jwt, discovery) {
  const { header, payload } = decodeJwt(jwt);
  const alg = ALGORITHMS[header.alg];
  if (!alg) throw new Error(`unexpected JWT alg ${header.alg}`);
  const jwks = await (await fetch(discovery.jwks_uri)).json();
  const jwk = jwks.keys.find((k) => k.kid === header.kid);
  if (!jwk) throw new Error(`kid ${header.kid} is not in ${discovery.jwks_uri}`);
  const [h, p, s] = jwt.split('.');
  const key = { key: createPublicKey({ key: jwk, format: 'jwk' }) };
  if (alg.padding) Object.assign(key, { padding: alg.padding, saltLength: alg.saltLength });
  if (alg.dsaEncoding) key.dsaEncoding = alg.dsaEncoding;
  if (!verify(alg.hash, Buffer.from(`${h}.${p}`), key, Buffer.from(s, 'base64url'))) {
    throw new Error(`the ${header.alg} signature of the JWT does not verify with key ${header.kid}`);
  }
  return payload;
}
