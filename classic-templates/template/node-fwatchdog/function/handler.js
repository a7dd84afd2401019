"use strict";

// The request body in, the response body out: return it (a string, or an object sent as JSON),
// or call callback(error, result) as OpenFaaS classic node handlers do.
module.exports = async (context, callback) => `Hello from Node.js, you said: ${context}`;
