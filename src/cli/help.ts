import { SERVER_FLAGS } from '../config.js';

/**
 * Every command's `--help`. `idprofiles COMMAND --help` (or `-h`, or `idprofiles help COMMAND`)
 * prints the command's text and exits 0 before any option is parsed, so a command with required
 * arguments (`load SOURCE FILE`) or free arguments (`transforms test FILE...`) answers it too.
 * A file really named `--help` is passed as `./--help`.
 */
const REMOTE = `Connection (a running server):
  --url URL                  the server (default http://localhost:8080)
  --client-id ID             API client (or IDPROFILES_CLIENT_ID)
  --client-secret SECRET     its secret (or IDPROFILES_CLIENT_SECRET)
`;

/** The settings flags of serve/worker/migrate, each with the environment variable it stands for. */
const serverOptions = () => {
  const lines = Object.entries(SERVER_FLAGS).map(([flag, env]) => `  --${flag} (${env})`);
  return `Options (each also an environment variable; the flag wins; see README "Configuration"):\n${lines.join('\n')}\n`;
};

const COMMANDS: Record<string, () => string> = {
  serve: () => `Usage: idprofiles serve [options]

The HTTP API, the admin console (/ui/) and an in-process job worker. Embedded PGlite in
./.idprofiles unless DATABASE_URL names a PostgreSQL database. The default command.

${serverOptions()}`,
  worker: () => `Usage: idprofiles worker [options]

Runs jobs (loads, processing runs) without HTTP. On PostgreSQL any number of workers share the queue.

${serverOptions()}`,
  migrate: () => `Usage: idprofiles migrate [options]

Applies the database migrations and exits (serve and worker also apply them at start).

${serverOptions()}`,
  clients: () => `Usage: idprofiles clients create [--name N] [--authority ORG_ADMIN|API] [--scope S]...
       idprofiles clients list
       idprofiles clients revoke CLIENT_ID

Manages API clients (OAuth2 client credentials) in the database. On a data folder a running
server holds, that server does it and the new client works at once.

  --name N                   a label (default "api client")
  --authority A              ORG_ADMIN (default) or API; repeatable
  --scope S                  e.g. idn:identity-profile:read (default sp:scopes:all); repeatable
  --database-url URL         PostgreSQL (or DATABASE_URL)
  --data-dir DIR             embedded data folder (or IDPROFILES_DATA_DIR; default ./.idprofiles)
`,
  load: () => `Usage: idprofiles load SOURCE FILE.csv [--dry-run] [--allow-deletes N] [connection]

Uploads a CSV of accounts to a source (by id or name) on a running server and follows the load
with a progress bar. A load is a full aggregation: accounts missing from the file are removed,
at most the source's deleteThreshold of them.

  --dry-run                  report what the load would add, update, remove and reject; write nothing
  --allow-deletes N          let this load remove up to N accounts, past the deleteThreshold

${REMOTE}
Exit: 0 loaded (Success or Warning), 1 refused or failed, 2 usage or unreadable file.
`,
  process: () => `Usage: idprofiles process PROFILE [--dry-run] [connection]

Processes an identity profile's identities (by id or name) on a running server, with a progress bar.

  --dry-run                  report which attributes would change, per attribute; write nothing

${REMOTE}
Exit: 0 Success or Warning, 1 otherwise.
`,
  demo: () => `Usage: idprofiles demo [connection]

Puts the sample HR population shipped with the package (samples/hr.csv, 1,000 people) on a running
server through its API: a source 'Demo HR', a profile 'Demo Employees' with typical mappings and
lifecycle states (employmentStatus: Active, On leave, Inactive — which disables the leaver's account),
the accounts loaded and their identities processed. Safe to run again: it finds the source and the
profile by name, and loading the same file again changes nothing.

${REMOTE}`,
  transforms: () => `Usage: idprofiles transforms test FILE...
       idprofiles transforms eval [--input VALUE] [--account FILE] [--identity FILE]
                                  [--transforms FILE] [--now ISO] [DEFINITION_FILE|-]

  test FILE...               run transform test-vector files (JSON); prints PASS/FAIL per vector
  eval                       evaluate one transform definition (a file, or - / nothing for stdin)
    --input VALUE            the implicit input
    --account FILE           JSON: an account, a list of accounts, or an attribute map
    --identity FILE          JSON attribute map of the identity
    --transforms FILE        JSON list of stored transforms ({name, type, attributes})
    --now ISO                the evaluation instant

Exit: 0 ok, 1 failing vectors or an evaluation/definition error, 2 usage error.
`,
};

export const USAGE = `Usage: idprofiles <command> [options]        (idprofiles <command> --help for more)

Commands:
  serve                      HTTP API (+ in-process job worker); the default
  worker                     job worker only (scale-out on PostgreSQL)
  migrate                    apply database migrations
  clients create|list|revoke manage API clients
  load SOURCE FILE.csv       upload accounts to a running server, with progress
  process PROFILE            process a profile's identities on a running server, with progress
  demo                       put a sample HR population (1,000 people) on a running server
  transforms test|eval       run transform test vectors, evaluate one transform
  help [COMMAND]             this text, or a command's
`;

/** The help text of `command`; undefined for an unknown command. */
export const helpFor = (command: string): string | undefined => COMMANDS[command]?.();

/** Whether the arguments ask for help: `--help` or `-h` before a `--` that ends the options. */
export function asksForHelp(args: readonly string[]): boolean {
  const end = args.indexOf('--');
  return (end < 0 ? args : args.slice(0, end)).some((a) => a === '--help' || a === '-h');
}
