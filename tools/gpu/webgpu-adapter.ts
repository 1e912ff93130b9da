// Prints the WebGPU adapter headless Chromium gets (vendor, architecture, description), so a GPU
// bench says whether it ran on the GPU or on SwiftShader.
import { launchChromium } from '../browser/chromium';
import { startStaticServer } from '../browser/static-server';

// WebGPU needs a secure context: a localhost page, not about:blank.
const server = await startStaticServer(process.cwd());
const browser = await launchChromium();
try {
  const page = await browser.newPage();
  await page.goto(`${server.url}/package.json`);
  const info = await page.evaluate(async () => {
    const gpu = (navigator as unknown as { gpu?: { requestAdapter(): Promise<{ info?: Record<string, string> } | null> } }).gpu;
    if (!gpu) return { webgpu: false };
    const adapter = await gpu.requestAdapter();
    return { webgpu: adapter !== null, ...(adapter?.info ? { vendor: adapter.info.vendor, architecture: adapter.info.architecture, description: adapter.info.description } : {}) };
  });
  console.log(JSON.stringify({ chromium: browser.version(), ...info }));
} finally {
  await browser.close();
  await server.close();
}
