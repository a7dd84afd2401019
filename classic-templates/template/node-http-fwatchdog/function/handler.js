"use strict";

// Your function. event: body (parsed for JSON, a string for text and forms, else a Buffer),
// headers, method, path, query. Set the status and headers on context and return the body
// (a string, a Buffer, or an object sent as JSON), or call context.succeed(body) / fail(error).
module.exports = async (event, context) => {
  if (!event.body) {
    return context.status(400).succeed("Send some text in the request body.\n");
  }
  return context
    .status(200)
    .headers({ "Content-Type": "text/plain; charset=utf-8" })
    .succeed(`Hello from Node.js, you said: ${event.body}`);
};
