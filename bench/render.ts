/**
 * `node bench/render.ts`: BENCHMARKS.md again from the run it reports (bench/benchmarks-run.json, written
 * by the last full run or --markdown run) and bench/findings.md as it now stands. Measures nothing.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { renderMarkdown } from './markdown.ts';

const run = JSON.parse(readFileSync(new URL('./benchmarks-run.json', import.meta.url), 'utf8'));
writeFileSync(new URL('../BENCHMARKS.md', import.meta.url), renderMarkdown(run));
process.stdout.write(`BENCHMARKS.md rendered from the run of ${run.date} (${run.command})\n`);
