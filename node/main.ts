/** `npm start`: one supervision node, configured by the environment (see README). */
import { loadSettings, SettingsError } from './config/settings.ts';
import { startNode } from './server.ts';
import { KeyStoreError } from '../federation/index.ts';
import type { Clock } from './core/clock.ts';

/**
 * Runs a node process until SIGTERM or SIGINT. `now` is the node's clock (the system clock unless
 * given): the e2e tests' entry (test/support/clocked-main.ts) passes one set to their instant.
 */
export async function runNode(options: { now?: Clock } = {}): Promise<void> {
  let settings;
  try {
    settings = loadSettings();
  } catch (error) {
    if (error instanceof SettingsError) {
      console.error(`配置错误 (configuration error): ${error.message}`);
      process.exit(2);
    }
    throw error;
  }

  let node;
  try {
    node = await startNode(settings, options.now ? { now: options.now } : {});
  } catch (error) {
    if (error instanceof KeyStoreError) {
      console.error(`密钥无法解封 (node keys cannot be opened): ${error.message}`);
      process.exit(2);
    }
    throw error;
  }
  let stopping = false;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      node.logger.info({ signal }, '正在停止 (shutting down)');
      node.close().then(() => process.exit(0), (error: unknown) => {
        node.logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      });
    });
  }
}

if (import.meta.main) await runNode();
