"use strict";

// The request body in, the response body out (a string, or an object sent as JSON).
module.exports = async (input) => `Hello from Node.js, you said: ${input}`;
