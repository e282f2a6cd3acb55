// A fault-injecting HTTP proxy for the fault matrix (faults.spec.mjs). It stands between the
// browser and nginx, which serves the app and proxies /buildbot/ to the real master and
// /codearts/ + /servicestage/ to the simulator. Without a rule it passes everything through,
// websockets included; a rule makes it answer in place of the server, alter the server's
// answer, or replay an older one. `refuse()` closes its port, so the browser's connections
// are refused as they would be by a server that went away.
import http from 'node:http';
import net from 'node:net';

// nginx's own 502 page, byte for byte what a browser gets when the upstream is down.
const HTML_502 = '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n';

// Answers in place of Buildbot's (its errors are `{"error": "..."}`, see the API facts).
const CANNED = {
  500: () => ({ status: 500, type: 'text/plain', body: '{"error": "internal server error"}' }),
  html502: () => ({ status: 502, type: 'text/html', body: HTML_502 }),
  401: () => ({ status: 401, type: 'text/plain', body: '{"error": "authentication required"}' }),
  throttle: () => ({ status: 429, type: 'text/plain', body: '{"error": "too many requests"}', headers: { 'Retry-After': '1' } }),
};

/** Every number becomes a string and every boolean a number: a server whose types drifted. */
export function wrongTypes(v) {
  if (Array.isArray(v)) return v.map(wrongTypes);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, wrongTypes(x)]));
  if (typeof v === 'number') return String(v);
  if (typeof v === 'boolean') return v ? 1 : 0;
  return v;
}

const isApi = (url) => /^\/(buildbot|codearts|servicestage)\//.test(url);

export async function startFaultProxy({ upstream, configPatch }) {
  const up = new URL(upstream);
  let rules = [];
  const first = new Map(); // URL → the first good answer seen (what `stale` replays)
  const sockets = new Set();
  const tunnels = new Set();

  function send(res, { status, type, body, headers = {} }) {
    if (res.headersSent || res.destroyed) return;
    res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store', ...headers });
    res.end(body);
  }

  function forward(req, res, alter) {
    const headers = { ...req.headers, host: up.host };
    delete headers['accept-encoding']; // bodies are read (and maybe altered) here
    const preq = http.request({ host: up.hostname, port: up.port, method: req.method, path: req.url, headers }, (pres) => {
      const chunks = [];
      pres.on('data', (c) => chunks.push(c));
      pres.on('end', () => {
        // Bytes as they came (the wasm is binary); text only where it is read or altered.
        let body = Buffer.concat(chunks);
        const type = pres.headers['content-type'] || 'application/octet-stream';
        const keep = {};
        for (const h of ['content-security-policy', 'x-request-id', 'retry-after', 'x-content-type-options']) {
          if (pres.headers[h]) keep[h] = pres.headers[h];
        }
        if (req.url === '/config.json' && configPatch && pres.statusCode === 200) {
          body = JSON.stringify(configPatch(JSON.parse(body.toString('utf8'))));
        }
        const answer = { status: pres.statusCode, type, body, headers: keep };
        if (pres.statusCode === 200 && isApi(req.url) && !first.has(req.url)) first.set(req.url, answer);
        if (alter === 'truncate') answer.body = body.subarray(0, Math.max(1, body.length >> 1));
        if (alter === 'wrongtypes') {
          try { answer.body = JSON.stringify(wrongTypes(JSON.parse(body.toString('utf8')))); } catch { /* not JSON: as is */ }
        }
        send(res, answer);
      });
    });
    preq.on('error', () => send(res, { status: 502, type: 'text/html', body: HTML_502 }));
    req.pipe(preq);
    res.on('close', () => { if (!res.writableEnded) preq.destroy(); });
  }

  function handle(req, res) {
    const rule = rules.find((r) => r.fault !== 'ws' && req.url.includes(r.match));
    if (!rule) return forward(req, res);
    rule.hits++;
    if (rule.fault === 'hang') return; // never answers; the browser's timeout ends it
    if (CANNED[rule.fault]) return send(res, CANNED[rule.fault]());
    if (rule.fault === 'stale' && first.has(req.url)) { rule.replayed++; return send(res, first.get(req.url)); }
    return forward(req, res, rule.fault);
  }

  function upgrade(req, sock, head) {
    const rule = rules.find((r) => r.fault === 'ws' && req.url.includes(r.match));
    if (rule) { rule.hits++; sock.destroy(); return; }
    const upSock = net.connect(Number(up.port), up.hostname, () => {
      let raw = `${req.method} ${req.url} HTTP/1.1\r\n`;
      for (let i = 0; i < req.rawHeaders.length; i += 2) raw += `${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}\r\n`;
      upSock.write(`${raw}\r\n`);
      if (head.length) upSock.write(head);
      upSock.pipe(sock);
      sock.pipe(upSock);
    });
    const t = { sock, upSock };
    tunnels.add(t);
    const end = () => { sock.destroy(); upSock.destroy(); tunnels.delete(t); };
    for (const s of [sock, upSock]) { s.on('error', end); s.on('close', end); }
  }

  let server = null; // null while the port is closed
  async function listen(port) {
    if (server) return server.address().port;
    const s = http.createServer(handle);
    s.on('upgrade', upgrade);
    s.on('connection', (c) => { sockets.add(c); c.on('close', () => sockets.delete(c)); });
    await new Promise((ok, fail) => { s.once('error', fail); s.listen(port, '127.0.0.1', ok); });
    server = s;
    return s.address().port;
  }
  async function shut() {
    const s = server;
    server = null;
    if (s) await new Promise((ok) => { s.close(() => ok()); dropAll(); });
  }
  function dropAll() {
    for (const s of sockets) s.destroy();
    for (const t of tunnels) { t.sock.destroy(); t.upSock.destroy(); }
  }
  const port = await listen(0);

  return {
    url: `http://127.0.0.1:${port}`,
    /** Adds a rule: requests whose path contains `match` get `fault`. Returns it (hit counts). */
    add(match, fault) { const r = { match, fault, hits: 0, replayed: 0 }; rules.push(r); return r; },
    clear() { rules = []; },
    /** Closes the port (connections refused) until `accept()`. */
    async refuse() { await shut(); },
    async accept() { await listen(port); },
    /** Cuts every open websocket (and keep-alive connection). */
    dropWebsockets() { for (const t of tunnels) { t.sock.destroy(); t.upSock.destroy(); } },
    async close() { rules = []; await shut(); },
  };
}
