/** `npm start`: one supervision node, configured by the environment (see README). */
import { loadSettings, SettingsError } from './config/settings.ts';
import { startNode } from './server.ts';
import { KeyStoreError } from '../federation/index.ts';

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
  node = await startNode(settings);
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
