/**
 * The first administrator of a node that runs without the bootstrap token: `npm run cli -- users
 * create` (run as a child process with the same Node binary) writes the account into the node's
 * database, and that person signs in to the running node.
 */
import { userInfo } from 'node:os';
import { spawn } from 'node:child_process';
import { expect } from 'chai';
import { startTestNode, TEST_TOKEN, type TestNode } from '../support/test-node.ts';
import { as, login, VALID_PASSWORD } from '../support/access-fixtures.ts';
import { apiRequest } from '../support/api-request.ts';

const ROOT = new URL('../../', import.meta.url).pathname;

interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

describe('integration: the users CLI and a node without ADMIN_TOKEN', function () {
  this.timeout(120_000);
  let node: TestNode;

  /** `npm run cli -- <args>` against the node's database. */
  function cli(args: string[], env: Record<string, string> = {}, input?: string): Promise<CliRun> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, ['node/cli.ts', ...args], {
        cwd: ROOT,
        env: {
          PATH: process.env.PATH ?? '', DATABASE_URL: node.database.appUrl, DATABASE_OWNER_URL: node.database.url,
          NODE_CODE: '610203', ADMIN_TOKEN_ENABLED: 'false', LOG_LEVEL: 'error', ...env,
        },
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout, stderr }));
      child.stdin.end(input ?? '');
    });
  }

  before(async () => {
    // ADMIN_TOKEN '' overrides the test token: the node starts with no bootstrap credential at all.
    node = await startTestNode({ ADMIN_TOKEN_ENABLED: 'false', ADMIN_TOKEN: '', RATE_LIMIT_LOGIN_PER_MINUTE: '100000' });
  });

  after(async () => {
    await node?.close();
  });

  it('refuses the bootstrap token', async () => {
    expect(node.node.settings.adminToken).to.equal(null);
    const answer = await apiRequest(node.url, TEST_TOKEN, 'GET', '/api/v1/users');
    expect(answer.status).to.equal(401);
    expect(answer.body.error).to.include({ code: 'UNAUTHORIZED' });
    expect(answer.body.error.details).to.deep.equal({ reason: 'invalid' });
  });

  it('creates an administrator who can then sign in and manage users', async () => {
    const run = await cli(['users', 'create', '--login', 'admin', '--role', 'nodeAdmin', '--name', '管理员'], { SUPERVISION_PASSWORD: VALID_PASSWORD });
    expect(run.code, run.stderr).to.equal(0);
    const printed = JSON.parse(run.stdout) as Record<string, unknown>;
    expect(printed).to.include({ login: 'admin', name: '管理员', role: 'nodeAdmin', roleLabel: '节点管理员', disabled: false });
    expect(run.stdout).to.not.match(/scrypt|passwordHash/);
    expect(run.stdout + run.stderr).to.not.include(VALID_PASSWORD);

    const session = await login(node, 'admin', VALID_PASSWORD);
    const admin = as(node, session.accessToken);
    const users = await admin('GET', '/api/v1/users');
    expect(users.status).to.equal(200);
    expect(users.body.items.map((user: { login: string }) => user.login)).to.deep.equal(['admin']);
    expect((await admin('PUT', '/api/v1/departments/D1', { name: '部门一' })).status).to.equal(201);
    // The account made at the server is in the audit trail, under the operating-system user who made it.
    const trail = await admin('GET', '/api/v1/audit?action=' + encodeURIComponent('CLI users create'));
    expect(trail.status).to.equal(200);
    expect(trail.body.items).to.have.length(1);
    expect(trail.body.items[0]).to.include({ actor: `cli:${userInfo().username}`, record: `user:${printed.id}`, status: 0 });
    expect((await admin('GET', '/api/v1/audit/verify')).body).to.include({ ok: true, brokenAt: null });
  });

  it('reads the password from stdin when SUPERVISION_PASSWORD is not set, and takes departments', async () => {
    const run = await cli(['users', 'create', '--login', 'officer', '--role', 'departmentOfficer', '--name', '经办人', '--departments', 'D1'], {}, `${VALID_PASSWORD}\n`);
    expect(run.code, run.stderr).to.equal(0);
    expect(JSON.parse(run.stdout)).to.include({ login: 'officer', role: 'departmentOfficer' });
    expect((await login(node, 'officer', VALID_PASSWORD)).user.departments).to.deep.equal(['D1']);
  });

  it('refuses what the API refuses, naming the flag, with exit code 1', async () => {
    const cases: [string[], string, RegExp][] = [
      [['users', 'create', '--login', 'boss', '--role', 'chief', '--name', 'x'], VALID_PASSWORD, /--role/],
      [['users', 'create', '--login', 'leader', '--role', 'departmentLeader', '--name', 'x', '--departments', 'D9'], VALID_PASSWORD, /--departments: 部门不存在 \(unknown department\).*D9/],
      [['users', 'create', '--login', 'weakling', '--role', 'auditor', '--name', 'x'], 'short', /SUPERVISION_PASSWORD.*tooShort/],
      [['users', 'create', '--login', 'admin', '--role', 'auditor', '--name', 'x'], VALID_PASSWORD, /--login.*login is taken/],
      [['users', 'create', '--role', 'auditor', '--name', 'x'], VALID_PASSWORD, /missing --login/],
      [['users', 'create', '--login', 'x1x', '--rolle', 'auditor'], VALID_PASSWORD, /rolle/],
      [['users', 'explode'], VALID_PASSWORD, /unknown command/],
    ];
    for (const [args, password, message] of cases) {
      const run = await cli(args, { SUPERVISION_PASSWORD: password });
      expect(run.code, `${args.join(' ')}: ${run.stderr}`).to.equal(1);
      expect(run.stderr, args.join(' ')).to.match(message);
      expect(run.stdout, args.join(' ')).to.equal('');
    }
    const users = await cli(['users', 'list']);
    expect((JSON.parse(users.stdout) as { login: string }[]).map((user) => user.login)).to.deep.equal(['admin', 'officer']);
  });

  it('unlocks an account: lifts its sign-in throttle', async () => {
    for (let i = 0; i < 5; i++) await apiRequest(node.url, null, 'POST', '/api/v1/auth/login', { login: 'officer', password: 'Wrong-password-123' });
    expect((await apiRequest(node.url, null, 'POST', '/api/v1/auth/login', { login: 'officer', password: VALID_PASSWORD })).status).to.equal(429);
    // The CLI reaches the throttle with the node's settings: its Redis and queue prefix.
    const run = await cli(['users', 'unlock', '--login', 'officer'], { REDIS_URL: node.node.settings.redisUrl, QUEUE_PREFIX: node.node.settings.queuePrefix });
    expect(run.code, run.stderr).to.equal(0);
    expect((await login(node, 'officer', VALID_PASSWORD)).accessToken).to.be.a('string');
    expect((await cli(['users', 'unlock', '--login', 'nobody-here'])).code).to.equal(1);
  });

  it('stops with a sentence when the settings cannot run a node', async () => {
    const run = await cli(['users', 'list'], { NODE_CODE: 'x' });
    expect(run.code).to.equal(1);
    expect(run.stderr).to.match(/NODE_CODE/);
  });
});
