// One careid per test: a temp dir with its own careid.toml, SQLite database,
// keys and file outbox; seeded with the real CLI, then `careid serve` on a free port.

import { spawn, execFile } from 'node:child_process';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { hrefsIn, linksIn, readOutbox } from './mail.mjs';

const run = promisify(execFile);

/** The repository root (tests/e2e/lib/ is three levels down). */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** Where screenshots and reports go (CI keeps target/e2e/ as artefacts). */
export const ARTEFACTS = join(ROOT, 'target', 'e2e');

/** The binary under test: `CAREID_BIN`, relative paths from the repository root. */
export function careidBinary() {
  const bin = process.env.CAREID_BIN || 'target/debug/careid';
  return isAbsolute(bin) ? bin : join(ROOT, bin);
}

/** A TCP port nothing listens on at the moment of asking. */
export async function freePort() {
  const server = createServer();
  await new Promise((ok, fail) => server.once('error', fail).listen(0, '127.0.0.1', ok));
  const { port } = server.address();
  await new Promise((ok) => server.close(ok));
  return port;
}

/** The child's environment: ours without CAREID_*, so only the file configures it. */
function childEnv() {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^CAREID_/i.test(k)));
  return { ...env, NO_COLOR: '1', RUST_LOG: process.env.E2E_RUST_LOG || 'info,sqlx=warn' };
}

// Servers still running when this process exits (a cancelled test, an
// uncaught error) are stopped rather than left listening.
const running = new Set();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

export class Careid {
  /**
   * A configured, not yet started careid in a fresh temp dir. `extraToml` is
   * appended to careid.toml (tables such as `[login]`, `[[deployments]]`).
   */
  static async create({ extraToml = '' } = {}) {
    const dir = await mkdtemp(join(tmpdir(), 'careid-e2e-'));
    const port = await freePort();
    const careid = new Careid(dir, port);
    await mkdir(careid.dataDir, { recursive: true });
    // Browsers refuse 127.0.0.1 as a WebAuthn relying-party id: the issuer is localhost.
    const toml = [
      `issuer = "${careid.issuer}"`,
      `listen = "127.0.0.1:${port}"`,
      `data_dir = ${JSON.stringify(careid.dataDir)}`,
      `keys_dir = ${JSON.stringify(join(dir, 'keys'))}`,
      `log_format = "human"`,
      '',
      extraToml,
    ].join('\n');
    await writeFile(careid.configFile, toml);
    return careid;
  }

  constructor(dir, port) {
    this.dir = dir;
    this.port = port;
    this.issuer = `http://localhost:${port}`;
    this.dataDir = join(dir, 'data');
    this.configFile = join(dir, 'careid.toml');
    this.outbox = join(this.dataDir, 'outbox', 'email');
    this.bin = careidBinary();
    this.process = null;
    this.logLines = [];
  }

  url(path = '/') {
    return new URL(path, this.issuer).href;
  }

  /** Runs `careid --config FILE ARGS…`; resolves to stdout, rejects with stderr. */
  async cli(args, { stdin } = {}) {
    const child = run(this.bin, ['--config', this.configFile, ...args], {
      env: childEnv(),
      timeout: 60_000,
    });
    if (stdin !== undefined) child.child.stdin.end(`${stdin}\n`);
    else child.child.stdin.end();
    try {
      const { stdout, stderr } = await child;
      this.logLines.push(`$ careid ${args.join(' ')}`, ...stderr.split('\n').filter(Boolean));
      return stdout;
    } catch (e) {
      throw new Error(`careid ${args.join(' ')} failed (exit ${e.code}):\n${e.stderr}${e.stdout}`);
    }
  }

  /** `careid deployments add ID --name NAME [--flag value | --flag]…`; flags as { 'terms-version': '…', 'passkey-required': true }. */
  async addDeployment(id, name, flags = {}) {
    const args = ['deployments', 'add', id, '--name', name];
    for (const [flag, value] of Object.entries(flags)) {
      if (value === true) args.push(`--${flag}`);
      else if (value !== false && value != null) args.push(`--${flag}`, String(value));
    }
    return this.cli(args);
  }

  /** A first-party public client (PKCE, no secret) such as the App; bearer tokens unless `dpop`. */
  async addPublicClient({ id, name, redirectUris, allowedRoles = [], dpop = false, initiateLoginUri, requireTerms = false }) {
    const args = ['clients', 'add', '--id', id, '--name', name, '--public', '--first-party'];
    if (!dpop) args.push('--no-require-dpop');
    if (initiateLoginUri) args.push('--initiate-login-uri', initiateLoginUri);
    if (requireTerms) args.push('--require-terms');
    for (const uri of redirectUris) args.push('--redirect-uri', uri);
    for (const role of allowedRoles) args.push('--allowed-role', role);
    return this.cli(args);
  }

  /** `careid invite`; resolves to the sign-up link it prints. `client`: where the invitation leads. */
  async invite({ role, deployment, email, locale, client }) {
    const args = ['invite', '--role', role, '--deployment', deployment];
    if (email) args.push('--email', email);
    if (locale) args.push('--locale', locale);
    if (client) args.push('--client', client);
    const out = await this.cli(args);
    const link = out.split('\n').find((line) => line.startsWith(this.issuer));
    if (!link) throw new Error(`careid invite printed no link under ${this.issuer}:\n${out}`);
    return link.trim();
  }

  /** `careid serve`, resolved once discovery answers. */
  async start({ timeoutMs = 30_000 } = {}) {
    if (this.process) throw new Error('careid is already running');
    const child = spawn(this.bin, ['--config', this.configFile, 'serve'], {
      env: childEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.process = child;
    running.add(child);
    this.exited = new Promise((ok) =>
      child.once('exit', (code, signal) => {
        running.delete(child);
        ok({ code, signal });
      }),
    );
    for (const stream of [child.stdout, child.stderr]) {
      let rest = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk) => {
        const lines = (rest + chunk).split('\n');
        rest = lines.pop();
        this.logLines.push(...lines);
      });
      stream.on('end', () => rest && this.logLines.push(rest));
    }
    const deadline = Date.now() + timeoutMs;
    const discovery = this.url('/.well-known/openid-configuration');
    let exit = null;
    this.exited.then((e) => (exit = e));
    while (Date.now() < deadline) {
      if (exit) throw new Error(`careid serve exited (${JSON.stringify(exit)}) before answering:\n${this.log()}`);
      try {
        const response = await fetch(discovery);
        if (response.ok) {
          this.discovery = await response.json();
          return this.discovery;
        }
      } catch {
        // not listening yet
      }
      await new Promise((ok) => setTimeout(ok, 100));
    }
    throw new Error(`careid did not answer ${discovery} within ${timeoutMs} ms:\n${this.log()}`);
  }

  /** SIGTERM (careid finishes in-flight requests), SIGKILL after 10 s. */
  async stop() {
    const child = this.process;
    if (!child) return null;
    this.process = null;
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    const exit = await this.exited;
    clearTimeout(timer);
    return exit;
  }

  /** Stops the server and deletes the temp dir (kept when E2E_KEEP is set). */
  async dispose() {
    await this.stop();
    if (process.env.E2E_KEEP) {
      console.error(`# careid e2e: kept ${this.dir}`);
    } else {
      await rm(this.dir, { recursive: true, force: true });
    }
  }

  /** What the CLI and the server wrote to stderr, in order. */
  log() {
    return this.logLines.join('\n');
  }

  /** Every text message written to `data/outbox/sms.jsonl` so far ({ time, to, text }), oldest first. */
  async texts() {
    const lines = await readFile(join(this.dataDir, 'outbox', 'sms.jsonl'), 'utf8').catch(() => '');
    return lines.split('\n').filter(Boolean).map((line) => JSON.parse(line));
  }

  /**
   * The code of the newest text to `to` (E.164), read from its origin-bound
   * last line `@host #123456`, after checking that line names this issuer's host.
   */
  async lastCode(to) {
    const text = (await this.texts()).filter((t) => t.to === to).at(-1);
    if (!text) throw new Error(`no text message to ${to}`);
    const last = text.text.trim().split('\n').at(-1);
    const match = /^@([^ ]+) #(\d{6})$/.exec(last);
    if (!match || match[1] !== 'localhost') throw new Error(`not an origin-bound message for localhost: ${last}`);
    return match[2];
  }

  /** Every email written to the outbox folder so far, oldest first. */
  emails() {
    return readOutbox(this.outbox);
  }

  /**
   * Waits for an email to `to` whose subject matches, that is not in
   * `seen` (files already read); resolves to it. The sender writes once a second.
   */
  async waitForEmail({ to, subject = /./, seen = [], timeoutMs = 15_000 }) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = (await this.emails()).find(
        (m) => m.to.includes(to) && subject.test(m.subject) && !seen.includes(m.file),
      );
      if (found) return found;
      if (Date.now() > deadline) {
        const all = (await this.emails()).map((m) => `  ${m.to}: ${m.subject}`).join('\n');
        throw new Error(`no email to ${to} matching ${subject} within ${timeoutMs} ms; outbox:\n${all || '  (empty)'}`);
      }
      await new Promise((ok) => setTimeout(ok, 200));
    }
  }

  /** Every careid link (under the issuer) in `message`'s text part. */
  linksUnder(message) {
    return linksIn(message).filter((link) => link.startsWith(`${this.issuer}/`));
  }

  /**
   * The one careid link in `message`'s text part (under the issuer), after
   * checking that the html part's button leads to the same place.
   */
  linkIn(message) {
    const under = (link) => link.startsWith(`${this.issuer}/`);
    const links = linksIn(message).filter(under);
    if (links.length !== 1) {
      throw new Error(`expected one link under ${this.issuer} in "${message.subject}", found ${links.length}:\n${message.text}`);
    }
    const buttons = [...new Set(hrefsIn(message).filter(under))];
    if (buttons.length !== 1 || buttons[0] !== links[0]) {
      throw new Error(`the html part of "${message.subject}" links to ${JSON.stringify(buttons)}, the text to ${links[0]}`);
    }
    return links[0];
  }
}
