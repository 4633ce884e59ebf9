import { describe, expect, it } from 'vitest';
import { en } from './en';
import { initialLanguage } from './index';
import { zhCN } from './zh-CN';

function leaves(o: object, prefix = ''): string[] {
  return Object.entries(o).flatMap(([k, v]) =>
    typeof v === 'string' ? [`${prefix}${k}`] : leaves(v as object, `${prefix}${k}.`),
  );
}

function placeholders(s: string): string[] {
  return [...s.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]!).sort();
}

describe('translations', () => {
  it('have the same keys and the same placeholders in both languages, none empty', () => {
    const keys = leaves(en);
    expect(leaves(zhCN)).toEqual(keys);
    const get = (o: object, key: string) =>
      key.split('.').reduce<unknown>((x, k) => (x as Record<string, unknown>)[k], o) as string;
    for (const key of keys) {
      expect(get(zhCN, key).length, key).toBeGreaterThan(0);
      expect(placeholders(get(zhCN, key)), key).toEqual(placeholders(get(en, key)));
    }
  });

  it('start in the remembered language, else the browser’s', () => {
    expect(initialLanguage()).toBe('en');
    window.localStorage.setItem('cdc-console.lang', 'zh-CN');
    expect(initialLanguage()).toBe('zh-CN');
    window.localStorage.setItem('cdc-console.lang', 'klingon');
    const nav = Object.getOwnPropertyDescriptor(window.navigator, 'language');
    Object.defineProperty(window.navigator, 'language', { value: 'zh-TW', configurable: true });
    try {
      expect(initialLanguage()).toBe('zh-CN');
    } finally {
      if (nav) Object.defineProperty(window.navigator, 'language', nav);
      else delete (window.navigator as { language?: string }).language;
    }
  });
});
