'use strict'

// The shape of OpenFaaS's node22 handlers (openfaas/templates, template/node22/function/handler.js):
// async (event, context), status and headers on context, then succeed or fail. Routed by path so
// that one function answers the whole request set of OpenFaasHandlerRequestSetTests.
module.exports = async (event, context) => {
  switch (event.path) {
    case '/created':
      return context
        .status(201)
        .headers({ 'Location': '/items/1', 'Content-Type': 'application/json' })
        .succeed({ id: 1 })
    case '/cookies':
      return context
        .status(200)
        .headers({ 'Set-Cookie': ['a=1; Path=/', 'b=2; Path=/'] })
        .succeed('two cookies')
    case '/echo':
      return context
        .status(200)
        .succeed({ body: event.body, type: typeof event.body, 'content-type': event.headers['content-type'] })
    case '/teapot':
      return context.status(418).fail('short and stout')
    case '/throw':
      throw new Error('the handler threw')
    case '/slow':
      await new Promise((resolve) => setTimeout(resolve, 10000))
      return context.status(200).succeed('too late')
    default:
      return context.status(404).succeed(`no route ${event.path}`)
  }
}
