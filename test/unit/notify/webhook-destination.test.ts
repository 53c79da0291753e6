/**
 * Where a webhook may point: every non-public range refused in every spelling a URL can give it,
 * the allow-list, and the send-time guard: a name resolved once, its addresses checked, and the
 * connection made to the checked address (a loopback receiver reached under a name only the
 * test's resolver knows), or refused before connecting.
 */
import { expect } from 'chai';
import { startHttpReceiver, type HttpReceiver } from '../../support/notify-receivers.ts';
import { parseAllowedNetworks, WebhookDestinations, type Resolve } from '../../../node/notify/webhook-destination.ts';
import { webhookChannel } from '../../../node/notify/webhook-channel.ts';

const NON_PUBLIC = [
  'http://127.0.0.1/hook', 'http://127.8.9.10/', 'http://[::1]:6379/', 'http://169.254.169.254/latest/meta-data/', 'http://0x7f000001/',
  'http://2130706433/', 'http://0177.0.0.1/', 'http://127.1/', 'http://10.1.2.3/', 'http://172.16.0.1/', 'http://192.168.1.1/',
  'http://100.64.0.1/', 'http://0.0.0.0/', 'http://0/', 'http://224.0.0.1/', 'http://255.255.255.255/', 'http://[::ffff:127.0.0.1]/',
  'http://[::ffff:a9fe:a9fe]/', 'http://[fc00::1]/', 'http://[fd12:3456::1]/', 'http://[fe80::1]/', 'http://[::]/', 'http://[::7f00:1]/',
  'http://[64:ff9b::7f00:1]/', 'http://[2002:7f00:1::]/', 'http://[ff02::1]/', 'http://192.0.2.1/',
];

/** A resolver that knows only `names`, counting its calls. */
function resolverOf(names: Record<string, string[]>): Resolve & { calls: string[] } {
  const calls: string[] = [];
  const resolve = async (hostname: string) => {
    calls.push(hostname);
    const addresses = names[hostname];
    if (!addresses) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
  return Object.assign(resolve, { calls });
}

describe('unit: webhook destinations', () => {
  it('refuses every non-public address, however the URL spells it', async () => {
    const destinations = new WebhookDestinations([], resolverOf({}));
    for (const url of NON_PUBLIC) expect(await destinations.urlProblem(new URL(url)), url).to.be.a('string').and.include('WEBHOOK_ALLOWED_NETWORKS');
    for (const url of ['https://8.8.8.8/hook', 'https://[2606:4700::1111]/hook']) expect(await destinations.urlProblem(new URL(url)), url).to.equal(null);
  });

  it('refuses a name that resolves to a non-public address, takes one that does not resolve now', async () => {
    const destinations = new WebhookDestinations([], resolverOf({ 'intranet.example.test': ['8.8.8.8', '10.0.0.5'], 'public.example.test': ['8.8.4.4'] }));
    expect(await destinations.urlProblem(new URL('https://intranet.example.test/hook'))).to.include('10.0.0.5');
    expect(await destinations.urlProblem(new URL('https://public.example.test/hook'))).to.equal(null);
    expect(await destinations.urlProblem(new URL('https://unknown.example.test/hook'))).to.equal(null);
  });

  it('lets the allow-list name addresses and ranges, and nothing beyond them', async () => {
    const destinations = new WebhookDestinations(parseAllowedNetworks('10.20.0.0/16, 127.0.0.1, ::1'), resolverOf({}));
    for (const url of ['http://10.20.3.4/', 'http://127.0.0.1:8080/', 'http://0x7f000001/', 'http://[::1]/', 'http://[::ffff:10.20.0.1]/']) {
      expect(await destinations.urlProblem(new URL(url)), url).to.equal(null);
    }
    for (const url of ['http://10.21.0.1/', 'http://127.0.0.2/', 'http://169.254.169.254/']) expect(await destinations.urlProblem(new URL(url)), url).to.be.a('string');
    expect(() => parseAllowedNetworks('10.0.0.0/33')).to.throw(RangeError, /10.0.0.0\/33/);
  });

  describe('at send time', () => {
    let receiver: HttpReceiver;
    before(async () => {
      receiver = await startHttpReceiver();
    });
    after(() => receiver?.close());

    const message = (address: string) => ({ notificationId: 7, address, subject: 's', text: 't', payload: { kind: 'notice' }, secret: 'webhook-secret-0123456789' });
    const port = () => new URL(receiver.baseUrl).port;

    it('resolves a name once and connects to the address it checked; keeps the status, not the answer', async () => {
      // Only this resolver knows the name: reaching the receiver shows the request went where it resolved.
      const resolve = resolverOf({ 'hooks.example.test': ['127.0.0.1'] });
      const channel = webhookChannel(() => new Date('2026-03-02T10:00:00+08:00'), new WebhookDestinations(parseAllowedNetworks('127.0.0.1'), resolve));
      const answer = await channel(message(`http://hooks.example.test:${port()}/named`));
      expect(answer).to.deep.equal({ response: 'HTTP 200' });
      expect(resolve.calls).to.deep.equal(['hooks.example.test']);
      expect(receiver.to('/named').map((request) => request.headers.host)).to.deep.equal([`hooks.example.test:${port()}`]);
    });

    it('refuses, for good and before connecting, a name that now resolves inside (DNS rebinding) and an address in the URL', async () => {
      const resolve = resolverOf({ 'rebound.example.test': ['127.0.0.1'] });
      const channel = webhookChannel(() => new Date('2026-03-02T10:00:00+08:00'), new WebhookDestinations([], resolve));
      for (const address of [`http://rebound.example.test:${port()}/rebound`, `http://127.0.0.1:${port()}/literal`, `http://0x7f000001:${port()}/literal`]) {
        let refused: Error | null = null;
        try {
          await channel(message(address));
        } catch (error) {
          refused = error as Error;
        }
        expect(refused?.name, address).to.equal('UnrecoverableError');
        expect(refused?.message, address).to.include('destination refused').and.include('127.0.0.1');
      }
      expect(receiver.to('/rebound').concat(receiver.to('/literal'))).to.deep.equal([]);
    });
  });
});
