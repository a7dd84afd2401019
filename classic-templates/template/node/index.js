// Entry point the watchdog forks per request: the body on stdin goes to the handler, its result
// is the response body on stdout (objects as JSON).
"use strict";
const handler = require("./function/handler");

async function main() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  const result = await handler(Buffer.concat(chunks).toString("utf8"));
  if (result === undefined || result === null) return;
  process.stdout.write(typeof result === "string" ? result : JSON.stringify(result));
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
