/**
 * Baseline server of the query benchmark: a bare Koa app with one route answering a small JSON
 * object, run as a child process on PORT so the client sees the same loopback hop as with a node.
 */
import Koa from 'koa';
import Router from '@koa/router';

const router = new Router();
router.get('/ping', (ctx) => {
  ctx.body = { ok: true, node: '610203' };
});
const app = new Koa();
app.use(router.routes()).use(router.allowedMethods());
const server = app.listen(Number(process.env.PORT ?? 0), '127.0.0.1');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
