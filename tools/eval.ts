// The project's evaluation command (shared/EVALUATION.md):
//   npm run eval -- --data DIR --protocol strong|loo|cold-items|cold-users|sessions|search|reasons|intent|reasons-evidence|related [--models …] [--seed 42] [--json]
// One JSON line per model on stdout; without --json also a short table on stderr.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseEvalArgs, USAGE, UsageError, type EvalArgs } from '../eval/cli-args';
import { loadDataset } from './io/dataset-node';
import { runProtocol, type EvalRecord } from '../eval/run-protocol';
import { runEvalInBrowser } from '../eval/run-in-browser';
import { runSearchProtocol } from '../eval/search-protocol';
import { runReasonsProtocol } from '../eval/reasons-protocol';
import { runIntentProtocol } from '../eval/intent-protocol';
import { runReasonsEvidenceProtocol } from '../eval/reasons-evidence-protocol';
import { runRelatedProtocol } from '../eval/related-protocol';

function table(records: Pick<EvalRecord, 'model' | 'metrics' | 'train_seconds' | 'backend'>[]): string {
  const keys = Object.keys(records[0]?.metrics ?? {});
  const header = ['model', ...keys, 'train s', 'backend'];
  const rows = records.map((r) => [r.model, ...keys.map((k) => (r.metrics[k] ?? NaN).toFixed(4)), r.train_seconds.toFixed(2), r.backend]);
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((row) => (row[c] as string).length)));
  const line = (cells: string[]) => cells.map((cell, c) => cell.padEnd(widths[c] as number)).join('  ');
  return [line(header), ...rows.map(line)].join('\n');
}

/** `--browser`: the same protocol in a Chromium worker; one JSON line per model, as in Node. */
async function runInBrowser(args: EvalArgs): Promise<number> {
  if (args.protocol === 'reasons' || args.protocol === 'intent' || args.protocol === 'reasons-evidence' || args.protocol === 'related') {
    process.stderr.write(`eval: --browser runs the ranking protocols and search, not ${args.protocol}\n`);
    return 2;
  }
  const records = await runEvalInBrowser({
    dataDir: args.data,
    protocol: args.protocol,
    models: args.models,
    seed: args.seed,
    onRecord: (record) => process.stdout.write(`${JSON.stringify(record)}\n`),
  });
  if (!args.json) process.stderr.write(`${table(records as unknown as EvalRecord[])}\n`);
  return 0;
}

async function main(): Promise<number> {
  let args: EvalArgs;
  try {
    args = parseEvalArgs(process.argv.slice(2));
    if (!args.help && !existsSync(join(args.data, 'interactions.csv'))) throw new UsageError(`no interactions.csv in "${args.data}"`);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`eval: ${error.message}\n${USAGE}\n`);
    return 2;
  }
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (args.browser) return runInBrowser(args);
  const data = loadDataset(args.data);
  if (!args.json) {
    process.stderr.write(`${data.name}: ${data.userIds.length} users, ${data.itemIds.length} items, ${data.interactions} interactions; protocol ${args.protocol}, seed ${args.seed}\n`);
  }
  if (args.protocol === 'reasons') {
    // Generator, template and nearest-review reasons against the shopper's own review sentence.
    const records = (await runReasonsProtocol({ data, dir: args.data, seed: args.seed })).filter((r) => args.models.includes(r.model));
    for (const record of records) process.stdout.write(`${JSON.stringify(record)}\n`);
    if (!args.json) process.stderr.write(`${table(records)}\n`);
    return 0;
  }
  if (args.protocol === 'reasons-evidence') {
    // Whether every piece of evidence a reason cites relates to the item (shared/EVALUATION.md).
    const records = await runReasonsEvidenceProtocol({ data, seed: args.seed });
    for (const record of records) process.stdout.write(`${JSON.stringify(record)}\n`);
    if (!args.json) process.stderr.write(`${table(records)}\n`);
    return 0;
  }
  if (args.protocol === 'related') {
    // similar() against also_viewed, boughtTogether() against also_bought (shared/EVALUATION.md).
    const records = await runRelatedProtocol({ data, dir: args.data, seed: args.seed, models: args.models });
    for (const record of records) process.stdout.write(`${JSON.stringify(record)}\n`);
    if (!args.json) process.stderr.write(`${table(records)}\n`);
    return 0;
  }
  if (args.protocol === 'intent') {
    // history-only, search-only and localrec over the worker's scorer (shared/EVALUATION.md).
    const records = (await runIntentProtocol({ data, seed: args.seed })).filter((r) => args.models.includes(r.model));
    for (const record of records) process.stdout.write(`${JSON.stringify(record)}\n`);
    if (!args.json) process.stderr.write(`${table(records)}\n`);
    return 0;
  }
  if (args.protocol === 'search') {
    // One lexical line, then one personalised line per interest model.
    const lines = [];
    for (const [i, interestModel] of args.models.entries()) {
      const [lexical, personalised] = await runSearchProtocol({ data, seed: args.seed, interestModel });
      // With several interest models the personalised lines are told apart by name.
      if (args.models.length > 1) personalised!.model = `search-personalised:${typeof interestModel === 'string' ? interestModel : 'model'}`;
      for (const record of i === 0 ? [lexical!, personalised!] : [personalised!]) {
        process.stdout.write(`${JSON.stringify(record)}\n`);
        lines.push(record);
      }
    }
    if (!args.json) process.stderr.write(`${table(lines)}\n`);
    return 0;
  }
  const protocol = args.protocol;
  const records = await runProtocol({
    data,
    protocol,
    seed: args.seed,
    models: args.models,
    ...(args.maxEpochs ? { maxEpochs: args.maxEpochs } : {}),
    onRecord: (record) => process.stdout.write(`${JSON.stringify(record)}\n`),
    onProgress: args.json
      ? undefined
      : (event) => {
          if (event.stage === 'ease-lambda') process.stderr.write(`  ease λ=${String(event.lambda)} ${JSON.stringify(event)}\n`);
          if (event.stage === 'sknn-k') process.stderr.write(`  sknn k=${String(event.k)} ${JSON.stringify(event)}\n`);
          if (event.stage === 'ease' || event.stage === 'ease-neighbours') process.stderr.write(`  vae's ${event.stage} part: ${JSON.stringify(event)}\n`);
          if (process.env.LOCALREC_EVAL_VERBOSE) process.stderr.write(`  ${JSON.stringify(event)}\n`);
        },
  });
  if (!args.json) process.stderr.write(`${table(records)}\n`);
  return 0;
}

main().then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    process.stderr.write(`eval: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);
