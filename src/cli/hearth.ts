import { runCli } from './main';

// Entry point of the `hearth-recs` binary: exit with the command's status once stdout has drained.
const code = await runCli(process.argv.slice(2));
process.exitCode = code;
