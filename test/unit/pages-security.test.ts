/** CSRF tokens, session ids, asset paths and escaping: the pages' own security rules. */
import { afterEach, describe, expect, it } from 'vitest';
import { findAsset, isSafeAssetPath } from '../../src/pages/shared/assets.ts';
import { csrfToken, isSessionId, isValidCsrfToken, newSessionId } from '../../src/pages/shared/csrf.ts';
import { parseCookies, serializeCookie } from '../../src/pages/shared/http.ts';
import { escapeHtml, multilineHtml, renderPage } from '../../src/pages/shared/render.ts';
import { isCrossSiteRequest } from '../../src/pages/shared/same-origin.ts';

describe('CSRF tokens', () => {
  const original = process.env.MASH_CSRF_SECRET;
  afterEach(() => {
    if (original === undefined) delete process.env.MASH_CSRF_SECRET;
    else process.env.MASH_CSRF_SECRET = original;
  });

  it('accepts the token of the same session and purpose only', () => {
    const session = newSessionId();
    const token = csrfToken(session, 'refer');
    expect(isValidCsrfToken(session, 'refer', token)).toBe(true);
    expect(isValidCsrfToken(newSessionId(), 'refer', token)).toBe(false);
    expect(isValidCsrfToken(session, 'feedback', token)).toBe(false);
    expect(isValidCsrfToken(session, 'refer', `${token}x`)).toBe(false);
    expect(isValidCsrfToken(session, 'refer', '')).toBe(false);
    expect(isValidCsrfToken(session, 'refer', undefined)).toBe(false);
    expect(isValidCsrfToken(undefined, 'refer', token)).toBe(false);
  });

  it('refuses to sign with a per-instance key where a shared key is configured but not loaded', () => {
    const session = newSessionId();
    process.env.MASH_CSRF_SECRET_ARN = 'arn:aws:secretsmanager:eu-west-2:111122223333:secret:form-AbCdEf';
    try {
      expect(() => csrfToken(session, 'refer')).toThrow(/loadCsrfSecret/);
    } finally {
      delete process.env.MASH_CSRF_SECRET_ARN;
    }
    // Without one configured (the local hub), the process's own key signs, consistently.
    expect(csrfToken(session, 'refer')).toBe(csrfToken(session, 'refer'));
  });

  it('makes opaque random session ids and ignores anything else in the cookie', () => {
    const id = newSessionId();
    expect(isSessionId(id)).toBe(true);
    expect(newSessionId()).not.toBe(id);
    expect(isSessionId('short')).toBe(false);
    expect(isSessionId(`${id.slice(0, 42)};`)).toBe(false);
  });

  it('accepts only session ids the hub issued: a made-up or re-signed one is refused', () => {
    const [random, signature] = newSessionId().split('.') as [string, string];
    const [otherRandom] = newSessionId().split('.') as [string, string];
    expect(isSessionId(`${random}.${signature}`)).toBe(true);
    // The old shape: any 43 characters a browser sent were taken as a session.
    expect(isSessionId(random)).toBe(false);
    expect(isSessionId(`${otherRandom}.${signature}`)).toBe(false);
    expect(isSessionId(`${random}.${'A'.repeat(43)}`)).toBe(false);
    expect(isSessionId(`${random}.${signature}.`)).toBe(false);
  });
});

describe('cookies', () => {
  it('parses a Cookie header and writes HttpOnly, SameSite=Lax cookies', () => {
    expect(parseCookies('a=1; mash_referral=abc; a=2')).toEqual({ a: '1', mash_referral: 'abc' });
    expect(serializeCookie('mash_referral', 'v', { path: '/refer', secure: true })).toBe(
      'mash_referral=v; Path=/refer; HttpOnly; SameSite=Lax; Secure',
    );
  });
});

describe('asset paths', () => {
  it('refuses traversal, absolute paths, odd characters and unknown folders', () => {
    for (const path of [
      '../package.json',
      'fonts/../../x.css',
      '/etc/passwd',
      'fonts//a.woff',
      'a\\b.css',
      '.env',
      'fonts/.hidden.css',
      'x.css\0.png',
      '',
    ]) {
      expect(isSafeAssetPath(path), path).toBe(false);
      expect(findAsset(path), path).toBeUndefined();
    }
    expect(findAsset('template.njk')).toBeUndefined();
    expect(findAsset('components/button/macro.njk')).toBeUndefined();
  });

  it('finds the files the layout links to', () => {
    expect(findAsset('govuk-frontend.min.css')?.contentType).toMatch(/^text\/css/);
    expect(findAsset('govuk-frontend.min.js')?.contentType).toMatch(/^text\/javascript/);
    expect(findAsset('images/favicon.ico')?.binary).toBe(true);
    expect(findAsset('manifest.json')?.contentType).toMatch(/manifest\+json/);
    expect(findAsset('app/app.css')).toBeDefined();
  });
});

describe('escaping', () => {
  const hostile = '<script>alert(1)</script>"\'&';

  it('escapes text a person typed, keeping line breaks only as <br>', () => {
    expect(escapeHtml(hostile)).toBe('&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;');
    expect(multilineHtml('<b>one</b>\r\ntwo')).toBe('&lt;b&gt;one&lt;/b&gt;<br>two');
  });

  it('autoescapes values in templates, including inside GOV.UK macros', () => {
    const html = renderPage('refer/person.njk', {
      title: 'Add a person',
      cspNonce: 'n',
      csrfToken: 't',
      action: '/refer/person/new',
      values: { firstName: hostile, addressLine1: '"><img src=x onerror=alert(1)>' },
      errors: { lastName: { text: hostile } },
      errorList: [{ text: hostile, href: '#lastName' }],
      dateErrorParts: {},
    });
    expect(html).not.toContain('<script>alert(1)');
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('value="&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;"');
    expect(html).toMatch(/<title>Error: Add a person/);
  });
});

describe('cross-site form posts', () => {
  const on = (host: string, more: Record<string, string>) => ({ Host: host, ...more });
  it('takes its own origin by Host and X-Forwarded-Proto, and posts that name none', () => {
    expect(isCrossSiteRequest(on('hub.example.gov.uk', { Origin: 'https://hub.example.gov.uk' }))).toBe(
      false,
    );
    expect(
      isCrossSiteRequest(
        on('hub.example.gov.uk', { origin: 'https://HUB.example.gov.uk', 'X-Forwarded-Proto': 'https' }),
      ),
    ).toBe(false);
    expect(isCrossSiteRequest(on('127.0.0.1:3000', { Origin: 'http://127.0.0.1:3000' }))).toBe(false);
    expect(isCrossSiteRequest(on('127.0.0.1:3000', {}))).toBe(false);
    expect(isCrossSiteRequest(on('h.example', { Origin: 'null', 'Sec-Fetch-Site': 'same-origin' }))).toBe(
      false,
    );
    expect(isCrossSiteRequest(on('h.example', { 'Sec-Fetch-Site': 'none' }))).toBe(false);
    expect(isCrossSiteRequest(undefined)).toBe(false);
  });

  it('refuses another origin, another scheme or port, and a browser saying cross-site or same-site', () => {
    expect(isCrossSiteRequest(on('hub.example.gov.uk', { Origin: 'https://evil.example' }))).toBe(true);
    expect(isCrossSiteRequest(on('hub.example.gov.uk', { Origin: 'http://hub.example.gov.uk' }))).toBe(true);
    expect(
      isCrossSiteRequest(
        on('hub.example.gov.uk', { Origin: 'https://hub.example.gov.uk', 'X-Forwarded-Proto': 'http' }),
      ),
    ).toBe(true);
    expect(isCrossSiteRequest(on('127.0.0.1:3000', { Origin: 'http://127.0.0.1:3001' }))).toBe(true);
    expect(isCrossSiteRequest({ Origin: 'https://hub.example.gov.uk' })).toBe(true);
    expect(isCrossSiteRequest(on('h.example', { Origin: 'null', 'Sec-Fetch-Site': 'cross-site' }))).toBe(
      true,
    );
    expect(isCrossSiteRequest(on('h.example', { 'Sec-Fetch-Site': 'same-site' }))).toBe(true);
  });
});
