/**
 * Resolves in a later task (a macrotask), so that messages and timers queued meanwhile run first.
 * A message on a fresh channel, not setTimeout(0): browsers hold nested timeouts back to 4 ms
 * each, which a build of a hundred slices would spend waiting.
 */
export function nextTask(): Promise<void> {
  if (typeof MessageChannel !== 'function') return new Promise((resolve) => setTimeout(resolve, 0));
  return new Promise((resolve) => {
    const { port1, port2 } = new MessageChannel();
    port1.onmessage = () => {
      port1.close();
      resolve();
    };
    port2.postMessage(null);
  });
}
