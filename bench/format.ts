/** Renders a benchmark table as aligned plain text (for the terminal) and as Markdown (for bench/results/). */
import { type BenchTable } from './table.js';

function cells(table: BenchTable): string[][] {
  return [table.columns.map(String), ...table.rows.map((row) => row.map((v) => (typeof v === 'number' ? formatNumber(v) : v)))];
}

function formatNumber(value: number): string {
  if (Number.isInteger(value)) return String(value);
  return Math.abs(value) >= 100 ? value.toFixed(0) : Math.abs(value) >= 1 ? value.toFixed(2) : value.toPrecision(3);
}

/** Aligned text table with the title above and notes below. */
export function toText(table: BenchTable): string {
  const grid = cells(table);
  const widths = grid[0]!.map((_, i) => Math.max(...grid.map((row) => (row[i] ?? '').length)));
  const line = (row: string[]) => row.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [table.title, line(grid[0]!), rule, ...grid.slice(1).map(line), ...(table.notes ?? []).map((n) => `  note: ${n}`)].join('\n');
}

/** Markdown table with the title as a heading and notes as a list. */
export function toMarkdown(table: BenchTable): string {
  const grid = cells(table);
  const row = (r: string[]) => `| ${r.join(' | ')} |`;
  return [`### ${table.title}`, '', row(grid[0]!), row(grid[0]!.map(() => '---')), ...grid.slice(1).map(row), '', ...(table.notes ?? []).map((n) => `- ${n}`)].join('\n');
}
