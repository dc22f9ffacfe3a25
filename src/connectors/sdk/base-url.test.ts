import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { checkBaseUrl, httpFields, isLoopbackHost } from './base-url.ts';

describe('base URLs', () => {
  it('recognise loopback hosts only', () => {
    for (const h of ['localhost', '127.0.0.1', '127.8.9.10', '[::1]', '::1']) expect(isLoopbackHost(h), h).toBe(true);
    for (const h of ['example.com', '10.0.0.1', '127.0.0.256', 'localhost.example.com', '0.0.0.0']) expect(isLoopbackHost(h), h).toBe(false);
  });

  it('allow https anywhere and plain http to loopback, and keep a path prefix', () => {
    expect(checkBaseUrl('https://ghe.example.com/api/v3').href).toBe('https://ghe.example.com/api/v3/');
    expect(checkBaseUrl('http://127.0.0.1:4010?x=1').href).toBe('http://127.0.0.1:4010/');
  });

  it('refuse plain http elsewhere unless allowed, and say how to fix it', () => {
    expect(() => checkBaseUrl('http://okta.example.com', { where: 'source okta: baseUrl' })).toThrow(
      expect.objectContaining({ _tag: 'InvalidConfig', where: 'source okta: baseUrl', message: 'plain http to okta.example.com would send credentials unencrypted' }),
    );
    expect(checkBaseUrl('http://okta.example.com', { allowInsecureHttp: true }).host).toBe('okta.example.com');
  });

  it('refuse credentials in the URL without repeating them', () => {
    let message = '';
    try {
      checkBaseUrl('https://admin:hunter2-secret@api.example.com');
    } catch (e) {
      message = JSON.stringify(e) + String(e);
    }
    expect(message).toContain('contains credentials');
    expect(message).not.toContain('hunter2-secret');
  });

  it('refuse other protocols and garbage', () => {
    expect(() => checkBaseUrl('ftp://example.com')).toThrow(/must use https/);
    expect(() => checkBaseUrl('not a url')).toThrow(/not a valid URL/);
  });

  it('give every HTTP connector a described baseUrl (with an optional default) and allowInsecureHttp', () => {
    const withDefault = z.object(httpFields({ defaultBaseUrl: 'https://api.github.com' }));
    expect(withDefault.parse({})).toEqual({ baseUrl: 'https://api.github.com', allowInsecureHttp: false });
    const required = z.object(httpFields({ example: 'https://acme.okta.com' }));
    expect(required.safeParse({}).success).toBe(false);
    expect(required.safeParse({ baseUrl: 'file:///etc/passwd' }).success).toBe(false);
    expect(required.shape.baseUrl.description).toContain('https://acme.okta.com');
  });
});
