/** One benchmark's output: printed as a table by `npm run bench` and saved under bench/results/. */
export interface BenchTable {
  readonly title: string;
  readonly columns: readonly string[];
  readonly rows: readonly (readonly (string | number)[])[];
  readonly notes?: readonly string[];
}
