import { describe, expect, it } from 'vitest';
import { chooseByTiming } from '../../../src/backend/timed-choice';

describe('backend choice by a timed self-check (masked or unknown renderers)', () => {
  it('takes the faster backend and says why, with the figures', () => {
    // Measured in WebKitGTK with WebGL in workers on a software rasteriser that reports
    // "Apple GPU": recommend() took 227 ms on webgl and 53 ms on wasm.
    const choice = chooseByTiming([{ backend: 'webgl', ms: 227 }, { backend: 'wasm', ms: 53 }], 'the WebGL renderer is masked ("Apple GPU")');
    expect(choice?.backend).toBe('wasm');
    expect(choice?.reason).toBe('auto: the WebGL renderer is masked ("Apple GPU"), so a timed self-check decided: webgl 227.0 ms, wasm 53.0 ms; using wasm');
    // A real GPU behind the same masked string wins the same check.
    expect(chooseByTiming([{ backend: 'webgl', ms: 0.9 }, { backend: 'wasm', ms: 4.1 }], 'masked')?.backend).toBe('webgl');
  });

  it('skips candidates that failed, keeps the earlier one on a tie, and gives up when none ran', () => {
    const failedGl = chooseByTiming([{ backend: 'webgl', error: 'context lost' }, { backend: 'wasm', ms: 5 }], 'masked');
    expect(failedGl?.backend).toBe('wasm');
    expect(failedGl?.reason).toContain('webgl failed (context lost)');
    expect(chooseByTiming([{ backend: 'webgl', ms: 5 }, { backend: 'wasm', ms: 5 }], 'masked')?.backend).toBe('webgl');
    expect(chooseByTiming([{ backend: 'webgl', error: 'x' }, { backend: 'wasm', error: 'y' }], 'masked')).toBeNull();
  });
});
