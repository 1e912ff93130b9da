// The three engines shoppers use, driven from Node with Debian's browsers (never a downloaded
// build): Chromium through playwright-core, Firefox ESR through puppeteer-core over WebDriver
// BiDi, WebKitGTK (Safari's engine) through WebKitWebDriver under Xvfb and selenium-webdriver.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { launchChromium } from '../../tools/browser/chromium';

export type BrowserName = 'chromium' | 'firefox' | 'webkit';

export const FIREFOX_PATH = '/usr/bin/firefox-esr';
export const WEBKIT_DRIVER = '/usr/bin/WebKitWebDriver';
export const MINIBROWSER = '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';

/** One browser, one page at a time: go to a URL, evaluate an expression, close. */
export interface BrowserDriver {
  readonly name: BrowserName;
  /** Loads `url` in a fresh page (a new profile per driver, so storage starts empty). */
  goto(url: string): Promise<void>;
  /** Evaluates a JavaScript expression in the page and returns its (JSON-able) value. */
  evaluate<T>(expression: string): Promise<T>;
  close(): Promise<void>;
}

/** Why a browser cannot run here, or null: a missing browser must fail the run, not skip it. */
export function missingBrowser(name: BrowserName): string | null {
  if (name === 'chromium') return existsSync('/usr/bin/chromium') ? null : 'chromium is not installed (apt-get install -y chromium)';
  if (name === 'firefox') return existsSync(FIREFOX_PATH) ? null : 'firefox-esr is not installed (apt-get install -y firefox-esr)';
  const missing = [WEBKIT_DRIVER, MINIBROWSER, '/usr/bin/xvfb-run'].filter((path) => !existsSync(path));
  return missing.length ? `WebKit is not installed: ${missing.join(', ')} missing (apt-get install -y webkit2gtk-driver xvfb)` : null;
}

async function chromiumDriver(): Promise<BrowserDriver> {
  const browser = await launchChromium();
  const context = await browser.newContext();
  const page = await context.newPage();
  return {
    name: 'chromium',
    goto: async (url) => void (await page.goto(url)),
    evaluate: (expression) => page.evaluate(expression),
    close: () => browser.close(),
  };
}

async function firefoxDriver(): Promise<BrowserDriver> {
  const puppeteer = (await import('puppeteer-core')).default;
  const browser = await puppeteer.launch({ browser: 'firefox', executablePath: FIREFOX_PATH, headless: true });
  const page = await browser.newPage();
  return {
    name: 'firefox',
    goto: async (url) => void (await page.goto(url)),
    evaluate: (expression) => page.evaluate(expression) as Promise<never>,
    close: () => browser.close(),
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

async function waitForDriver(port: number, child: ChildProcess): Promise<void> {
  const until = Date.now() + 20_000;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`WebKitWebDriver exited with code ${child.exitCode}`);
    try {
      const response = await fetch(`http://127.0.0.1:${port}/status`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('WebKitWebDriver did not start within 20 s');
}

async function webkitDriver(): Promise<BrowserDriver> {
  const { Builder } = await import('selenium-webdriver');
  const port = await freePort();
  const child = spawn('xvfb-run', ['-a', WEBKIT_DRIVER, `--port=${port}`], { stdio: 'ignore', detached: true });
  try {
    await waitForDriver(port, child);
  } catch (error) {
    if (child.pid) process.kill(-child.pid, 'SIGTERM');
    throw error;
  }
  const driver = await new Builder()
    .usingServer(`http://127.0.0.1:${port}`)
    .withCapabilities({ browserName: 'MiniBrowser', 'webkitgtk:browserOptions': { binary: MINIBROWSER, args: ['--automation'] } })
    .build();
  return {
    name: 'webkit',
    goto: async (url) => driver.get(url),
    evaluate: (expression) => driver.executeScript(`return (${expression});`),
    close: async () => {
      await driver.quit().catch(() => undefined);
      if (child.pid) {
        try {
          process.kill(-child.pid, 'SIGTERM');
        } catch {
          // already gone
        }
      }
    },
  };
}

export function startBrowser(name: BrowserName): Promise<BrowserDriver> {
  if (name === 'chromium') return chromiumDriver();
  if (name === 'firefox') return firefoxDriver();
  return webkitDriver();
}
