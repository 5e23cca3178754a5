/**
 * `kyotsu <group> <command> …`: the one CLI. Each command group lives beside the code it drives and
 * exports `run(args): Promise<number>` (the exit code). The table below is the whole list — no registry.
 */

type Group = () => Promise<{ run(args: readonly string[]): Promise<number> }>;

/** Command groups, loaded on demand so `kyotsu card …` never loads the CA's database drivers. */
const GROUPS: Readonly<Record<string, { readonly load: Group; readonly summary: string }>> = {
  // Each issue adds its group here, e.g.:
  // card: { load: () => import('../bridge/cli/card.js'), summary: 'software PIV card: serve it to PC/SC' },
  ca: { load: () => import('../server/ca/cli.js'), summary: 'certificate authority: init, serve, service, issue, invalidate, status' },
  card: { load: () => import('../bridge/cli/card.js'), summary: 'software PIV card: init, status, serve it to PC/SC (vpcd)' },
  host: { load: () => import('../bridge/cli/host.js'), summary: 'native-messaging PC/SC host: install, uninstall, status' },
};

function usage(): string {
  const lines = Object.entries(GROUPS).map(([name, group]) => `  kyotsu ${name.padEnd(6)} ${group.summary}`);
  return ['usage: kyotsu <group> <command> [options]', '', ...lines].join('\n');
}

/** Runs the CLI with the given arguments and returns the exit code. */
export async function main(args: readonly string[]): Promise<number> {
  const [name, ...rest] = args;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    console.log(usage());
    return name === undefined ? 2 : 0;
  }
  const group = GROUPS[name];
  if (!group) {
    console.error(`kyotsu: unknown command group '${name}'\n\n${usage()}`);
    return 2;
  }
  const module = await group.load();
  return module.run(rest);
}
