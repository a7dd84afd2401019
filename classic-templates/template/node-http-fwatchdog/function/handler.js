"use strict";

// Your function. event: body (parsed for JSON, a string for text and forms, else a Buffer),
// headers, method, path, query. Set the status and headers on context and return the body
// (a string, a Buffer, or an object sent as JSON), or call context.succeed(body) / fail(error).
// This starter is OpenFaaS's node20 one: it answers with what it was sent.
module.exports = async (event, context) => {
  const result = {
    body: JSON.stringify(event.body),
    "content-type": event.headers["content-type"],
  };

  return context.status(200).succeed(result);
};
