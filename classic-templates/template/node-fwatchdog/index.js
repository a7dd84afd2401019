// Entry point the watchdog forks per request: the body on stdin goes to the handler, its result
// is the response body on stdout. Handlers of the OpenFaaS classic node template run unchanged:
// `module.exports = (context, callback) => callback(undefined, result)`, or one that returns
// (or resolves to) its result. Strings are written as they are, anything else as JSON plus a
// newline (as that template does); an error goes to stderr and the exit status is 1.
"use strict";
const handler = require("./function/handler");

function write(result) {
  if (result === undefined || result === null) return;
  if (typeof result === "string" || Buffer.isBuffer(result)) process.stdout.write(result);
  else process.stdout.write(JSON.stringify(result) + "\n");
}

function fail(error) {
  console.error(error);
  process.exitCode = 1;
}

async function main() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  const input = Buffer.concat(chunks).toString("utf8");

  // The first of the callback and a returned value (other than undefined) decides the answer.
  let answered = false;
  const callback = (error, result) => {
    if (answered) return;
    answered = true;
    if (error) fail(error);
    else write(result);
  };
  const returned = await handler(input, callback);
  // A handler that takes a callback and returned nothing answers through the callback later;
  // a one-argument handler that returned nothing answers with an empty body.
  if (returned !== undefined || handler.length < 2) callback(undefined, returned);
}

main().catch(fail);
