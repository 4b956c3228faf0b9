// Debian's Chromium driven by playwright-core: never a browser download. The flags are the ones
// this kind of machine needs (docs/toolchain.md): headless as root, and nothing that reaches for
// hosts it cannot reach. Each launch gets a new, empty profile that is removed afterwards.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 390, height: 844 };

export async function launch({ timezoneId = 'UTC' } = {}) {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'hook-server-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: DESKTOP,
    timezoneId,
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync',
      // WebRTC between this browser and a WHEP endpoint on 127.0.0.1: real host candidates, loopback included.
      '--allow-loopback-in-peer-connection', '--disable-features=WebRtcHideLocalIpsWithMdns',
      '--autoplay-policy=no-user-gesture-required',
    ],
  });
  return {
    context,
    async close() {
      await context.close().catch(() => {});
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

// Everything the page reports as an error: console.error, failed loads, uncaught exceptions.
export function watchConsole(page) {
  const errors = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push({ text: m.text(), url: m.location().url || '' });
  });
  page.on('pageerror', (e) => errors.push({ text: `uncaught: ${e.message}`, url: '' }));
  return errors;
}

// Interactive elements without an accessible name, as Chromium's accessibility tree computes names.
const NAMED_ROLES = new Set(['button', 'link', 'textbox', 'checkbox', 'combobox', 'spinbutton', 'slider',
  'searchbox', 'radio', 'switch', 'listbox', 'menuitem', 'tab']);
export async function unnamedControls(page) {
  const cdp = await page.context().newCDPSession(page);
  try {
    const { nodes } = await cdp.send('Accessibility.getFullAXTree');
    return nodes
      .filter((n) => !n.ignored && n.role && NAMED_ROLES.has(n.role.value))
      .filter((n) => !(n.name && String(n.name.value).trim()))
      .map((n) => `${n.role.value}#${n.backendDOMNodeId}`);
  } finally {
    await cdp.detach();
  }
}
