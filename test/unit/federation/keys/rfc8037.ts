/** The Ed25519 example of RFC 8037 appendix A (A.1 key, A.3 thumbprint, A.4 signature). */
export const RFC8037 = {
  d: 'nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A',
  x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo',
  thumbprint: 'kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k',
  payload: 'Example of Ed25519 signing',
  jws:
    'eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc.' +
    'hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg',
} as const;

/** The A.1 seed as bytes. */
export function rfc8037Seed(): Uint8Array {
  return new Uint8Array(Buffer.from(RFC8037.d, 'base64url'));
}

/** Every spelling of the A.1 private key a leak could take. */
export function rfc8037SecretSpellings(): string[] {
  const seed = Buffer.from(RFC8037.d, 'base64url');
  return [RFC8037.d, seed.toString('hex'), seed.toString('base64'), seed.toString('base64').replace(/=+$/, '')];
}
