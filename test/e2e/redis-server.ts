/**
 * A private `redis-server` (from the PATH) on a free loopback port, without persistence, that a
 * test can kill and start again on the same port: a restarted Redis comes back empty, as one
 * without a disk would.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { redisAnswers } from '../../node/demo/embedded-services.ts';
import { freePort } from '../support/node-process.ts';

export interface RedisServer {
  url: string;
  /** Kills the server (SIGKILL by default) and waits until it is gone. */
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** Starts it again on the same port and waits until it answers PING. */
  start(): Promise<void>;
}

const answers = (url: string): Promise<boolean> => redisAnswers(url, 1000);

export async function startRedisServer(): Promise<RedisServer> {
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  let child: ChildProcess | null = null;
  const start = async (): Promise<void> => {
    const started = spawn('redis-server', ['--bind', '127.0.0.1', '--port', String(port), '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    child = started;
    started.once('exit', () => {
      if (child === started) child = null;
    });
    for (let attempt = 0; attempt < 100; attempt++) {
      if (await answers(url)) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`redis-server did not answer on port ${port}`);
  };
  const stop = async (signal: NodeJS.Signals = 'SIGKILL'): Promise<void> => {
    const running = child;
    if (!running) return;
    const exited = once(running, 'exit');
    running.kill(signal);
    await exited;
  };
  process.once('exit', () => child?.kill('SIGKILL'));
  await start();
  return { url, start, stop };
}
