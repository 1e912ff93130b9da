import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseEvalArgs, UsageError } from '../../../eval/cli-args';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const FIXTURE = fileURLToPath(new URL('../../fixtures/office-slice', import.meta.url));

function runCli(args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'tools/eval.ts', ...args], { cwd: ROOT, encoding: 'utf8' });
}

describe('eval arguments', () => {
  it('parses flags, both spellings, and defaults', () => {
    expect(parseEvalArgs(['--data', 'd', '--protocol=loo', '--models', 'ease,popular', '--seed', '7', '--json'])).toEqual({
      data: 'd',
      protocol: 'loo',
      models: ['ease', 'popular'],
      seed: 7,
      json: true,
      browser: false,
      help: false,
    });
    expect(parseEvalArgs(['--data', 'd', '--protocol', 'loo', '--browser'])).toMatchObject({ browser: true });
    expect(parseEvalArgs(['--data', 'd', '--protocol', 'strong'])).toMatchObject({ seed: 42, json: false, models: ['popular', 'itemknn', 'ease'] });
  });

  it.each([
    [['--data', 'd', '--protocol', 'strong', '--fast'], /unknown argument "--fast"/],
    [['--data', 'd', '--protocol', 'weak'], /unknown protocol "weak"/],
    [['--data', 'd', '--protocol', 'strong', '--models', 'ease,vae2'], /unknown model "vae2"/],
    [['--protocol', 'strong'], /--data DIR is required/],
    [['--data', 'd'], /--protocol is required/],
    [['--data', 'd', '--protocol', 'strong', '--seed', 'x'], /--seed must be an integer/],
    [['--data', '--protocol', 'strong'], /--data needs a value/],
  ])('rejects %j', (argv, message) => {
    expect(() => parseEvalArgs(argv)).toThrow(UsageError);
    expect(() => parseEvalArgs(argv)).toThrow(message);
  });
});

describe('eval command', () => {
  it('exits with code 2 and says why on a bad protocol', () => {
    const run = runCli(['--data', FIXTURE, '--protocol', 'weak']);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/unknown protocol "weak"/);
    expect(run.stdout).toBe('');
  });

  it('prints one JSON line per model on stdout, the table on stderr', () => {
    const run = runCli(['--data', FIXTURE, '--protocol', 'loo', '--models', 'popular,itemknn', '--seed', '3']);
    expect(run.status).toBe(0);
    const lines = run.stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.map((l) => [l.dataset, l.protocol, l.seed, l.model])).toEqual([
      ['office-slice', 'loo', 3, 'popular'],
      ['office-slice', 'loo', 3, 'itemknn'],
    ]);
    expect(Object.keys(lines[0]?.metrics as object)).toEqual(['HR@10', 'HR@20', 'NDCG@10', 'NDCG@20', 'dup@12', 'coverage@12']);
    expect(run.stderr).toMatch(/model\s+HR@10/);
  });

  it('runs the search protocol: a lexical line and a personalised line', () => {
    const run = runCli(['--data', FIXTURE, '--protocol', 'search', '--json']);
    expect(run.status).toBe(0);
    const lines = run.stdout.trim().split('\n').map((line) => JSON.parse(line) as { model: string; protocol: string; metrics: Record<string, number> });
    expect(lines.map((l) => l.model)).toEqual(['search-lexical', 'search-personalised']);
    for (const line of lines) {
      expect(line.protocol).toBe('search');
      expect(Object.keys(line.metrics).sort()).toEqual(['HR@10', 'NDCG@10']);
    }
  });
});
