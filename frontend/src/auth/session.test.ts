import { describe, expect, it } from 'vitest';
import { clearSession, loadSession, parseExpiry, saveSession } from './session';

describe('parseExpiry', () => {
  it('reads ISO-8601, epoch seconds and epoch milliseconds', () => {
    expect(parseExpiry('2030-01-01T00:00:00Z')).toBe(Date.UTC(2030, 0, 1));
    expect(parseExpiry(1_893_456_000)).toBe(1_893_456_000_000);
    expect(parseExpiry(1_893_456_000_000)).toBe(1_893_456_000_000);
    expect(parseExpiry('1893456000')).toBe(1_893_456_000_000);
  });

  it('gives null for anything else', () => {
    expect(parseExpiry(undefined)).toBeNull();
    expect(parseExpiry('')).toBeNull();
    expect(parseExpiry('soon')).toBeNull();
    expect(parseExpiry(Number.NaN)).toBeNull();
  });
});

describe('stored session', () => {
  it('round-trips through sessionStorage', () => {
    saveSession({ token: 't', expiresAt: 2_000 });
    expect(loadSession(1_000)).toEqual({ token: 't', expiresAt: 2_000 });
    expect(loadSession(2_000)).toBeNull();
    expect(window.sessionStorage.length).toBe(0);
  });

  it('keeps a session without an expiry', () => {
    saveSession({ token: 't', expiresAt: null });
    expect(loadSession()).toEqual({ token: 't', expiresAt: null });
    clearSession();
    expect(loadSession()).toBeNull();
  });
});
