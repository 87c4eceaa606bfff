import type { FastifyInstance } from 'fastify';
import type { Config } from '../config.ts';
import type { Db } from '../db/db.ts';

export async function territoryRoutes(_app: FastifyInstance, _opts: { db: Db; config: Config }) {}
