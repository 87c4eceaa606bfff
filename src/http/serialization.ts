// Response serializers (fast-json-stringify, as Fastify's own) compiled on a route's first answer
// rather than at start: compiling every route's response schemas took about half a second of the
// event loop before the first vetting decision after a restart; a route's first answer pays its
// own few milliseconds instead. The access test answers on every route, so a schema that fails to
// compile still fails the tests.
import { SerializerSelector } from '@fastify/fast-json-stringify-compiler';

type Factory = ReturnType<typeof SerializerSelector>;

export const lazySerializers: Factory = (externalSchemas, options) => {
  const compile = SerializerSelector()(externalSchemas, options);
  return (route) => {
    let fn: ((data: unknown) => string) | null = null;
    return (data: unknown) => (fn ??= compile(route) as (data: unknown) => string)(data);
  };
};
