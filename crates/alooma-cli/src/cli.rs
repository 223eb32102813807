//! The command line, as clap types.

use crate::commands;
use crate::context::Ctx;
use crate::exit::CliError;
use crate::output::Format;
use clap::ArgMatches;
use clap::{Args, Parser, Subcommand};
use serde_json::json;

/// Drive Alooma data pipelines from the shell.
///
/// Connection settings come from the flags, then the environment
/// (ALOOMA_BASE_URL, ALOOMA_ACCOUNT, ALOOMA_USERNAME …), then the profile
/// (`alooma configure`; --profile or ALOOMA_PROFILE). The API key never
/// comes from the command line: ALOOMA_API_KEY, --api-key-stdin, or the
/// profile's credentials file. The password only from ALOOMA_PASSWORD or a
/// prompt that does not echo. `alooma help environment` lists every
/// variable.
///
/// Output is an aligned table when standard output is a terminal and JSON
/// when it is piped or redirected; --output chooses (json, yaml, table,
/// tsv), --query filters it (JMESPath).
///
/// Exit codes: 0 success, 1 other failure, 2 usage error (nothing was
/// sent), 3 authentication error, 4 API error, 5 network error.
#[derive(Debug, Parser)]
#[command(
    name = "alooma",
    version,
    propagate_version = true,
    max_term_width = 100,
    after_help = EXAMPLES
)]
pub struct Cli {
    /// Options shared by every command.
    #[command(flatten)]
    pub global: GlobalArgs,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The main command's examples.
const EXAMPLES: &str = "\
Examples:
  alooma emulator serve --port 8080            # a local Alooma to try things on
  alooma configure --base-url http://127.0.0.1:8080 --account acme --api-key-stdin <<< \"$KEY\"
  alooma event-types list -o table
  alooma inputs list --query '[].name'
  alooma mapping get orders > orders.json
  alooma mapping edit orders.json --map 'customer.email:email:VARCHAR(256)' --in-place
  alooma --dry-run mapping set orders orders.json
  alooma pipeline export pipeline/ && alooma pipeline plan pipeline/";

/// Options shared by every command. `Debug` never shows a secret.
#[derive(Args, Clone)]
#[command(next_help_heading = "Global options")]
pub struct GlobalArgs {
    /// The service's base URL [default: the profile's, else the hosted service, app.alooma.com].
    #[arg(long, env = "ALOOMA_BASE_URL", global = true, value_name = "URL")]
    pub base_url: Option<String>,
    /// The account name.
    #[arg(long, env = "ALOOMA_ACCOUNT", global = true)]
    pub account: Option<String>,
    /// The profile of the config file to use [default: "default" when it exists].
    #[arg(long, env = "ALOOMA_PROFILE", global = true, value_name = "NAME")]
    pub profile: Option<String>,
    /// Read the API key from the first line of standard input.
    #[arg(long, global = true)]
    pub api_key_stdin: bool,
    /// Not accepted: an API key on the command line shows in `ps` and the
    /// shell's history.
    #[arg(long, global = true, hide = true, value_name = "KEY")]
    pub api_key: Option<String>,
    /// Log in as this user (password from ALOOMA_PASSWORD or a prompt).
    #[arg(long, env = "ALOOMA_USERNAME", global = true, value_name = "USER")]
    pub username: Option<String>,
    /// Output format [default: the profile's, else table on a terminal, json when piped].
    #[arg(long, short = 'o', global = true, value_enum)]
    pub output: Option<Format>,
    /// Filter the JSON result with a JMESPath expression (as aws-cli's --query), before it is printed in any format.
    #[arg(
        long = "query",
        id = "jmespath_query",
        global = true,
        value_name = "JMESPATH"
    )]
    pub query: Option<String>,
    /// Tables: never cut long values (they are cut with … otherwise).
    #[arg(long, global = true)]
    pub wide: bool,
    /// Send no write: print every request a command would send (secrets redacted) and stop there. Reads still run.
    #[arg(long, global = true)]
    pub dry_run: bool,
    /// Append every call and its answer to this cassette (JSON lines, secrets redacted), to replay in tests or to seed an emulator (`alooma emulator seed-from`).
    #[arg(long, global = true, value_name = "FILE")]
    pub record: Option<std::path::PathBuf>,
    /// Give up on each call after this many seconds.
    #[arg(long, global = true, value_name = "SECS")]
    pub timeout: Option<u64>,
    /// Answer yes to confirmations of destructive commands.
    #[arg(long, short = 'y', global = true)]
    pub yes: bool,
    /// Print secrets' real values instead of "<redacted>" (for a round trip
    /// that must send them back unchanged; keep the output private).
    #[arg(long, global = true)]
    pub show_secrets: bool,
    /// Log what happens to standard error (-v info, -vv debug, -vvv trace).
    #[arg(long, short = 'v', global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
}

impl std::fmt::Debug for GlobalArgs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GlobalArgs")
            .field("base_url", &self.base_url)
            .field("account", &self.account)
            .field("profile", &self.profile)
            .field("api_key_stdin", &self.api_key_stdin)
            .field("api_key", &self.api_key.as_ref().map(|_| "<redacted>"))
            .field("username", &self.username)
            .field("output", &self.output)
            .field("query", &self.query)
            .field("wide", &self.wide)
            .field("dry_run", &self.dry_run)
            .field("record", &self.record)
            .field("timeout", &self.timeout)
            .field("yes", &self.yes)
            .field("show_secrets", &self.show_secrets)
            .field("verbose", &self.verbose)
            .finish()
    }
}

/// The connection options: the offline commands' help does not list them.
const CONNECTION_OPTIONS: [&str; 8] = [
    "base_url",
    "account",
    "profile",
    "api_key_stdin",
    "username",
    "timeout",
    "dry_run",
    "record",
];

/// The command line. Asked for the help of an offline command
/// (`mapping edit`, `mapping diff`, `completions`, `environment`), the
/// connection options are left out of it: they do nothing there.
pub fn command_for(args: &[String]) -> clap::Command {
    use clap::CommandFactory;
    let has = |w: &str| args.iter().any(|a| a == w);
    let help = has("--help") || has("-h") || args.first().is_some_and(|a| a == "help");
    let offline = (has("mapping") && (has("edit") || has("diff")))
        || (has("code") && has("test"))
        || has("completions")
        || has("environment");
    let cmd = Cli::command();
    if help && offline {
        CONNECTION_OPTIONS
            .iter()
            .fold(cmd, |c, id| c.mut_arg(*id, |a| a.hide(true)))
    } else {
        cmd
    }
}

/// Declares every command once: its help and clap attributes, its
/// arguments, and what runs it (a call into its module of
/// [`commands`](crate::commands)). The [`Command`] enum and its dispatch
/// both come from here.
macro_rules! commands {
    (($ctx:ident, $matches:ident) $(
        $(#[$attr:meta])*
        $variant:ident $(($args:ident: $ty:ty))? => $run:expr;
    )+) => {
        /// Every command.
        #[derive(Debug, Subcommand)]
        pub enum Command {
            $( $(#[$attr])* $variant $(($ty))?, )+
        }

        impl Command {
            /// Runs the command.
            pub(crate) async fn run(
                self,
                $ctx: &Ctx,
                $matches: &ArgMatches,
            ) -> Result<(), CliError> {
                match self {
                    $( Command::$variant $(($args))? => $run, )+
                }
            }
        }
    };
}

commands! {
    (ctx, matches)
    /// Inputs: list, get, create, edit, pause, resume, remove, sleep time.
    #[command(
        subcommand,
        after_help = "Examples:\n  alooma -o table inputs list\n  alooma inputs get --name orders_db\n  alooma inputs create spec.json\n  alooma --yes inputs remove 7f0e2a10-3c55-4b8d-a2f4-0000000000a3"
    )]
    Inputs(cmd: commands::inputs::InputsCmd) => commands::inputs::run(cmd, ctx).await;
    /// The pipeline's structure (nodes).
    Structure(args: commands::structure::StructureArgs) => commands::structure::run(args, ctx).await;
    /// Event types: list, get, discard, delete.
    #[command(
        subcommand,
        name = "event-types",
        after_help = "Examples:\n  alooma -o table event-types list\n  alooma event-types get orders --query 'fields[].fieldName'\n  alooma --dry-run event-types delete orders"
    )]
    EventTypes(cmd: commands::event_types::EventTypesCmd) => commands::event_types::run(cmd, ctx).await;
    /// Mappings: get, set, mode, and offline edit and diff.
    #[command(
        subcommand,
        after_help = "Examples:\n  alooma mapping get orders > orders.json\n  alooma mapping edit orders.json --discard debug_info --map 'customer.email:email:VARCHAR(256)' --in-place\n  alooma mapping diff old.json orders.json -o json\n  alooma mapping set orders orders.json"
    )]
    Mapping(cmd: commands::mapping::MappingCmd) => {
        let edit = matches
            .subcommand_matches("mapping")
            .and_then(|m| m.subcommand_matches("edit"));
        commands::mapping::run(cmd, ctx, edit).await
    };
    /// The Code Engine: modules, test runs, requirements.
    #[command(
        subcommand,
        name = "code-engine",
        after_help = "Examples:\n  alooma code-engine get main > main.py\n  alooma code-engine test event.json --code main=main.py\n  alooma code-engine set main main.py"
    )]
    CodeEngine(cmd: commands::code_engine::CodeEngineCmd) => commands::code_engine::run(cmd, ctx).await;
    /// Run Code Engine modules locally, in a real Python interpreter
    /// (offline: no server).
    #[command(subcommand)]
    Code(cmd: commands::code::CodeCmd) => commands::code::run(cmd, ctx);
    /// Pipeline metrics.
    #[command(subcommand)]
    Metrics(cmd: commands::metrics::MetricsCmd) => commands::metrics::run(cmd, ctx).await;
    /// Warehouse tables.
    #[command(subcommand)]
    Tables(cmd: commands::tables::TablesCmd) => commands::tables::run(cmd, ctx).await;
    /// Warehouse schemas.
    #[command(subcommand)]
    Schemas(cmd: commands::tables::SchemasCmd) => commands::tables::run_schemas(cmd, ctx).await;
    /// Scheduled (consolidation) queries.
    #[command(
        subcommand,
        after_help = "Examples:\n  alooma -o table queries list\n  alooma queries schedule orders 'INSERT INTO daily SELECT 1' --every 6\n  alooma --yes queries remove 12"
    )]
    Queries(cmd: commands::queries::QueriesCmd) => commands::queries::run(cmd, ctx).await;
    /// Secrets (values are never printed).
    #[command(subcommand)]
    Secrets(cmd: commands::secrets::SecretsCmd) => commands::secrets::run(cmd, ctx).await;
    /// Settings: e-mail notifications, S3 retention.
    #[command(subcommand)]
    Settings(cmd: commands::settings::SettingsCmd) => commands::settings::run(cmd, ctx).await;
    /// The Restream Queue.
    #[command(subcommand)]
    Restream(cmd: commands::restream::RestreamCmd) => commands::restream::run(cmd, ctx).await;
    /// The output (warehouse) node.
    #[command(subcommand)]
    Outputs(cmd: commands::outputs::OutputsCmd) => commands::outputs::run(cmd, ctx).await;
    /// Notifications.
    #[command(subcommand)]
    Notifications(cmd: commands::notifications::NotificationsCmd) => commands::notifications::run(cmd, ctx).await;
    /// Samples of events.
    #[command(subcommand)]
    Samples(cmd: commands::samples::SamplesCmd) => commands::samples::run(cmd, ctx).await;
    /// Credits and loaded-event summaries.
    #[command(subcommand)]
    Credits(cmd: commands::credits::CreditsCmd) => commands::credits::run(cmd, ctx).await;
    /// The account's users.
    Users => {
        let users = ctx.client()?.get_users().await?;
        ctx.out.value(&users)
    };
    /// The account name for these credentials.
    Account => {
        let name = ctx.client()?.get_account_name().await?;
        ctx.out.value(&json!({ "account": name }))
    };
    /// Whole-system operations.
    #[command(subcommand)]
    System(cmd: commands::system::SystemCmd) => commands::system::run(cmd, ctx).await;
    /// Deployment information.
    Deployment(args: commands::structure::DeploymentArgs) => commands::structure::deployment(args, ctx).await;
    /// Write a profile to the config file (and its API key to the
    /// credentials file, mode 0600).
    Configure(args: commands::configure::ConfigureArgs) => commands::configure::run(&args, ctx, matches);
    /// Write the man pages into a directory (`cargo xtask man`).
    #[command(hide = true)]
    Man(args: commands::man::ManArgs) => commands::man::run(&args);
    /// The environment variables alooma reads (`alooma help environment`).
    #[command(long_about = crate::config::ENVIRONMENT)]
    Environment => crate::output::write_line(crate::config::ENVIRONMENT);
    /// The pipeline as code: export to files, plan, apply.
    #[command(
        subcommand,
        after_help = "Examples:\n  alooma pipeline export pipeline/\n  alooma -o table pipeline plan pipeline/ --detailed-exitcode\n  alooma pipeline apply pipeline/ --dry-run\n  ALOOMA_SECRET_OUTPUT_PASSWORD=... alooma --yes pipeline apply pipeline/ --test-code"
    )]
    Pipeline(cmd: commands::pipeline::PipelineCmd) => commands::pipeline::run(cmd, ctx).await;
    /// Every operation of the API (the registry), with its request and
    /// the `alooma call` that runs it.
    Operations => commands::call::list(ctx);
    /// Run any operation by name: `alooma call get_event_type name=clicks`.
    Call(args: commands::call::CallArgs) => commands::call::call(args, ctx).await;
    /// Shell completion scripts.
    Completions(args: commands::completions::CompletionsArgs) => commands::completions::run(&args);
    /// The local Alooma emulator.
    #[command(subcommand)]
    Emulator(cmd: crate::emulator_cmd::EmulatorCmd) => crate::emulator_cmd::run(cmd, ctx).await;
    /// Walk through a real workflow against an in-process emulator.
    Demo => crate::demo::run().await;
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    /// Every command's arguments are consistent (ids unique with the
    /// global options included, defaults valid …): clap's own check.
    #[test]
    fn the_command_line_definition_is_consistent() {
        super::Cli::command().debug_assert();
    }
}
