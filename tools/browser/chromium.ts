// Launches Debian's Chromium (never a downloaded browser) with the flags that make WebGPU work
// headless on a machine without a GPU (see shared/ENGINEERING.md).
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--enable-unsafe-webgpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

/**
 * On a machine with a real GPU (tools/gpu/bench-gpu.sh) `LOCALREC_CHROMIUM_GPU=1` adds the flags
 * that let headless Chromium use it through Vulkan instead of SwiftShader.
 */
const GPU_ARGS = ['--ignore-gpu-blocklist', '--enable-features=Vulkan,WebGPU', '--use-angle=vulkan', '--enable-gpu-rasterization'];

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium not found at ${CHROMIUM_PATH}. Install it with: apt-get install -y chromium`);
  }
  const args = process.env.LOCALREC_CHROMIUM_GPU ? [...CHROMIUM_ARGS, ...GPU_ARGS] : CHROMIUM_ARGS;
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args });
}
