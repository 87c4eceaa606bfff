import Fastify from 'fastify';
const app = Fastify();
app.get('/', { schema: { response: { 200: { type: 'object', properties: { a: { type: 'number' } } } } } }, async (req, reply) => reply.type('application/json').send('{"b":1,"a":2}'));
const r = await app.inject({ url: '/' });
console.log(r.statusCode, r.headers['content-type'], r.body);
