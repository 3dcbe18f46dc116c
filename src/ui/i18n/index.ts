/**
 * The interface's language: English or Korean, following the browser's language at first and
 * switchable (the choice is remembered in localStorage). `t(key, vars)` reads the current locale's
 * string; components that call it inside JSX re-render when the locale changes, because the
 * locale is a Solid signal.
 *
 * Strings live in one file per area under messages/, each `{ en: {...}, ko: {...} }`; the type
 * below makes every Korean table cover every English key, so a missing translation fails tsc.
 */
import { createSignal } from 'solid-js';
import { app } from './messages/app.ts';
import { columns } from './messages/columns.ts';
import { common } from './messages/common.ts';
import { detail } from './messages/detail.ts';
import { help } from './messages/help.ts';
import { menu } from './messages/menu.ts';
import { compare } from './messages/compare.ts';
import { grid } from './messages/grid.ts';
import { queue } from './messages/queue.ts';

export type Locale = 'en' | 'ko';
export const LOCALES: readonly Locale[] = ['en', 'ko'];

/** Every area's tables; add an area by importing it here. */
const AREAS = [common, app, menu, columns, help, grid, compare, detail, queue] as const;

type AreaKeys<A> = A extends { readonly en: infer E } ? keyof E : never;
export type MessageKey = AreaKeys<(typeof AREAS)[number]> & string;

const TABLES: Record<Locale, Map<string, string>> = { en: new Map(), ko: new Map() };
for (const area of AREAS) {
  for (const locale of LOCALES) {
    for (const [k, v] of Object.entries(area[locale] as Record<string, string>)) TABLES[locale].set(k, v);
  }
}

const STORAGE_KEY = 'sweepsheet.locale';

/** The stored choice, else the browser's first language that we speak, else English. */
export function initialLocale(): Locale {
  try {
    const stored = globalThis.localStorage?.getItem(STORAGE_KEY);
    if (stored === 'en' || stored === 'ko') return stored;
  } catch {
    // Storage can be blocked (privacy settings): fall through to the browser's language.
  }
  const langs = globalThis.navigator?.languages ?? [globalThis.navigator?.language ?? 'en'];
  for (const l of langs) {
    const base = l.toLowerCase().split('-')[0];
    if (base === 'ko') return 'ko';
    if (base === 'en') return 'en';
  }
  return 'en';
}

const [locale, setLocaleSignal] = createSignal<Locale>(initialLocale());
export { locale };

export function setLocale(next: Locale): void {
  setLocaleSignal(next);
  try {
    globalThis.localStorage?.setItem(STORAGE_KEY, next);
  } catch {
    // Not remembered across reloads; the switch still applies now.
  }
  if (globalThis.document) document.documentElement.lang = next;
}

/** Handsontable's language code for a locale (its ko-KR pack is registered by the grid). */
export function gridLanguage(l: Locale): 'en-US' | 'ko-KR' {
  return l === 'ko' ? 'ko-KR' : 'en-US';
}

/**
 * The current locale's text for `key`, with `{name}` placeholders filled from `vars`. A key missing
 * in Korean falls back to English (tsc prevents that for typed areas); an unknown key shows itself.
 */
export function t(key: MessageKey, vars?: Readonly<Record<string, string | number>>): string {
  const text = TABLES[locale()].get(key) ?? TABLES.en.get(key) ?? key;
  if (!vars) return text;
  return text.replace(/\{(\w+)\}/g, (m, name: string) => (name in vars ? String(vars[name]) : m));
}

/**
 * The text for `key` in a given locale without reading the locale signal, or undefined when no
 * area has the key: for keys built at run time (`col.${key}`) and for sizing to every language.
 */
export function tIn(l: Locale, key: string): string | undefined {
  return TABLES[l].get(key) ?? TABLES.en.get(key);
}
