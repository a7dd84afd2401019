// The function's own HTTP server on Node's http module. fwatchdog (mode=http) starts it once and
// forwards every request to upstream_url; the server listens on that URL's host and port, so the
// two cannot disagree, and on 127.0.0.1 it is reachable only through the watchdog.
"use strict";
const http = require("node:http");
const handler = require("./function/handler");

const DEFAULT_CONTENT_TYPE = "text/plain";
const upstream = upstreamUrl(process.env.upstream_url || "http://127.0.0.1:3000");

function upstreamUrl(text) {
  const url = URL.canParse(text) ? new URL(text) : undefined;
  if (url?.protocol === "http:") return url;
  console.error(`upstream_url "${text}" is not an http:// URL; set it like http://127.0.0.1:3000.`);
  process.exit(1);
}

// What the handler sees of the request (the shape of OpenFaaS's node templates). A request
// without Content-Type is read as text, and says so in its headers, as node20's does.
class FunctionEvent {
  constructor(request, url, body) {
    this.body = body;
    this.headers = request.headers;
    this.headers["content-type"] ??= DEFAULT_CONTENT_TYPE;
    this.method = request.method;
    this.path = url.pathname;
    this.query = Object.fromEntries(url.searchParams);
  }
}

// What the handler says about the response: status and headers, then succeed(body) or fail(error).
// The first succeed/fail wins; a handler that returns without calling either succeeds with its
// return value.
class FunctionContext {
  constructor(settle) {
    this.statusCode = 200;
    this.headerValues = {};
    this.settle = settle;
  }

  status(code) {
    if (code === undefined) return this.statusCode;
    this.statusCode = code;
    return this;
  }

  headers(values) {
    if (values === undefined) return this.headerValues;
    this.headerValues = values;
    return this;
  }

  succeed(value) {
    this.settle(undefined, value);
  }

  fail(error) {
    if (this.statusCode === 200) this.statusCode = 500;
    this.settle(error === undefined ? new Error("the handler failed without a reason") : error);
  }
}

async function readBody(request) {
  const chunks = [];
  for await (const chunk of request) chunks.push(chunk);
  return Buffer.concat(chunks);
}

// JSON arrives parsed; text, forms (as curl -d sends) or no Content-Type as a string; anything
// else as a Buffer. RAW_BODY=true gives the Buffer always.
function parseBody(raw, contentType) {
  if (process.env.RAW_BODY === "true") return raw;
  const type = (contentType || DEFAULT_CONTENT_TYPE).split(";")[0].trim().toLowerCase();
  if (type === "application/json" || type.endsWith("+json")) return raw.length ? JSON.parse(raw.toString("utf8")) : {};
  if (type.startsWith("text/") || type === "application/x-www-form-urlencoded") return raw.toString("utf8");
  return raw;
}

function invoke(event, context) {
  return new Promise((resolve) => {
    let settled = false;
    context.settle = (error, value) => {
      if (settled) return;
      settled = true;
      resolve({ error, value });
    };
    const callback = (error, value) => (error ? context.fail(error) : context.succeed(value));
    Promise.resolve()
      .then(() => handler(event, context, callback))
      .then((value) => context.succeed(value), (error) => context.fail(error));
  });
}

function encode(value) {
  if (value === undefined || value === null) return { bytes: Buffer.alloc(0), type: undefined };
  if (Buffer.isBuffer(value)) return { bytes: value, type: "application/octet-stream" };
  if (typeof value === "object") return { bytes: Buffer.from(JSON.stringify(value)), type: "application/json" };
  return { bytes: Buffer.from(String(value)), type: "text/plain; charset=utf-8" };
}

function send(response, status, headers, value) {
  const { bytes, type } = encode(value);
  response.statusCode = status;
  for (const [name, headerValue] of Object.entries(headers)) response.setHeader(name, headerValue);
  if (type && !response.hasHeader("content-type")) response.setHeader("Content-Type", type);
  response.setHeader("Content-Length", bytes.length);
  response.end(bytes);
}

async function serve(request, response) {
  const url = new URL(request.url, "http://function");
  let body;
  try {
    body = parseBody(await readBody(request), request.headers["content-type"]);
  } catch (error) {
    if (error instanceof SyntaxError) {
      send(response, 400, {}, `The request body is not valid JSON (${error.message}); send JSON, or set RAW_BODY=true to receive the bytes.\n`);
      return;
    }
    throw error;
  }

  const context = new FunctionContext();
  const { error, value } = await invoke(new FunctionEvent(request, url, body), context);
  if (error !== undefined) {
    console.error(error);
    send(response, context.status(), context.headers(), String(error));
    return;
  }
  send(response, context.status(), context.headers(), value);
}

const server = http.createServer((request, response) => {
  serve(request, response).catch((error) => {
    // Reading the request failed (client gone) or the handler's status/headers were invalid.
    console.error(error);
    if (response.headersSent) {
      response.destroy();
      return;
    }
    for (const name of response.getHeaderNames()) response.removeHeader(name);
    send(response, 500, {}, `The function's response could not be sent (${error.message}); check the status and headers the handler sets.\n`);
  });
});
// The watchdog keeps connections alive in a pool and owns every timeout: idle connections stay
// open longer than its pool keeps them (so it never reuses one this side just closed), and no
// request is cut off here.
server.keepAliveTimeout = 65_000;
server.headersTimeout = 66_000;
server.requestTimeout = 0;

server.on("error", (error) => {
  console.error(`Cannot listen on ${upstream.host} (from upstream_url): ${error.message}. Free that port or change upstream_url.`);
  process.exit(1);
});
// The watchdog sends SIGTERM once its own requests have drained: close the idle connections and exit 0.
process.on("SIGTERM", () => {
  console.log("node-http-fwatchdog: SIGTERM, closing");
  server.close(() => process.exit(0));
  server.closeIdleConnections();
});

const host = upstream.hostname.replace(/^\[|\]$/g, "");
server.listen(Number(upstream.port) || 80, host, () => console.log(`node-http-fwatchdog listening on ${upstream.host}`));
