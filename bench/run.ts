/**
 * `npm run bench`: every benchmark in turn. Each prints its figures and the
 * ratio against a baseline measured in the same run; nothing here asserts a
 * time.
 */
const benches: Array<[string, () => Promise<{ main(): Promise<void> }>]> = [
  ['store: events through the stream into SQLite vs raw batched inserts, and bytes per spectrum', () => import('./store.js')],
  ['eis: circuit fits and DRT', () => import('./eis.js')],
  ['startup: CLI start-up against bare node', () => import('./startup.js')],
  ['ndp: NDP spectra reduced per second vs a plain pass over the counts', () => import('./ndp.js')],
];

const only = process.argv.slice(2);
for (const [title, load] of benches) {
  if (only.length > 0 && !only.some((o) => title.startsWith(o))) continue;
  console.log(`\n== ${title}`);
  await (await load()).main();
}
