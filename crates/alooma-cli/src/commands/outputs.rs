//! `alooma outputs get|set`: the output (warehouse) node and its
//! configuration.

use super::structure::Warehouse;
use crate::context::{read_secret, Ctx};
use crate::exit::CliError;
use alooma::types::{BigQueryConfig, OutputConfig, RedshiftConfig, SnowflakeConfig, SshTunnel};
use clap::{Args, Subcommand};
use std::path::PathBuf;

/// Output commands.
#[derive(Debug, Subcommand)]
pub enum OutputsCmd {
    /// The output's configuration (secrets are never printed).
    Get {
        /// The whole output node instead of its configuration.
        #[arg(long, conflicts_with = "config_type")]
        node: bool,
        /// The typed configuration of this warehouse (none if the output is another type).
        #[arg(long = "type", value_enum, value_name = "TYPE")]
        config_type: Option<Warehouse>,
    },
    /// Replace the output's configuration (its type cannot change).
    Set(SetArgs),
}

/// Arguments of `alooma outputs set`: a JSON configuration, or a typed one.
#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct SetArgs {
    /// The configuration (JSON object; `-` for standard input).
    #[arg(required = true)]
    pub file: Option<PathBuf>,
    /// The node's name (default: the type's display name).
    #[arg(long)]
    pub name: Option<String>,
    /// A typed configuration.
    #[command(subcommand)]
    pub kind: Option<SetKind>,
}

/// Typed output configurations. Passwords are read from standard input or
/// a prompt that does not echo, never from flags.
#[derive(Debug, Subcommand)]
pub enum SetKind {
    /// Amazon Redshift (password from standard input or a prompt).
    Redshift {
        /// The cluster's host name.
        #[arg(long)]
        hostname: String,
        /// The port.
        #[arg(long, default_value_t = 5439)]
        port: u16,
        /// The schema.
        #[arg(long)]
        schema: String,
        /// The database.
        #[arg(long)]
        database: String,
        /// The database user.
        #[arg(long)]
        username: String,
        /// Skip the server's validation of the connection.
        #[arg(long)]
        skip_validation: bool,
        /// An SSH tunnel server.
        #[arg(long, requires_all = ["ssh_port", "ssh_username"])]
        ssh_server: Option<String>,
        /// The SSH tunnel's port.
        #[arg(long)]
        ssh_port: Option<u16>,
        /// The SSH tunnel's user.
        #[arg(long)]
        ssh_username: Option<String>,
        /// The same keys for an output of another type (`MEMSQL` …), as the
        /// reference's old `set_output_config` sent them.
        #[arg(long, value_name = "TYPE")]
        sink_type: Option<String>,
    },
    /// Snowflake (password from standard input or a prompt).
    Snowflake {
        /// The Snowflake account.
        #[arg(long)]
        account_name: String,
        /// The warehouse.
        #[arg(long)]
        warehouse: String,
        /// The schema.
        #[arg(long)]
        schema: String,
        /// The database.
        #[arg(long)]
        database: String,
        /// The user.
        #[arg(long)]
        username: String,
        /// Skip the server's validation of the connection.
        #[arg(long)]
        skip_validation: bool,
    },
    /// Google BigQuery.
    Bigquery {
        /// The project.
        #[arg(long)]
        project: String,
        /// The dataset.
        #[arg(long)]
        dataset: String,
        /// Skip the server's validation of the connection.
        #[arg(long)]
        skip_validation: bool,
    },
}

/// Runs an output command.
pub async fn run(cmd: OutputsCmd, ctx: &Ctx) -> Result<(), CliError> {
    match cmd {
        OutputsCmd::Get { node: true, .. } => {
            let node = ctx.client()?.get_output_node().await?;
            ctx.out.value(&node)
        }
        OutputsCmd::Get {
            config_type: Some(kind),
            ..
        } => {
            let client = ctx.client()?;
            let config = match kind {
                Warehouse::Redshift => serde_json::to_value(client.get_redshift_config().await?),
                Warehouse::Snowflake => serde_json::to_value(client.get_snowflake_config().await?),
                Warehouse::Bigquery => serde_json::to_value(client.get_bigquery_config().await?),
            }
            .map_err(|e| CliError::failed(format!("could not render the configuration: {e}")))?;
            ctx.out.value(&config)
        }
        OutputsCmd::Get { .. } => {
            let config = ctx.client()?.get_output_config().await?;
            ctx.out.value(&config)
        }
        OutputsCmd::Set(args) => set(args, ctx).await,
    }
}

async fn set(args: SetArgs, ctx: &Ctx) -> Result<(), CliError> {
    let client = ctx.client()?;
    let answer = match (args.kind, args.file) {
        (
            Some(SetKind::Redshift {
                hostname,
                port,
                schema,
                database,
                username,
                skip_validation,
                ssh_server,
                ssh_port,
                ssh_username,
                sink_type,
            }),
            _,
        ) => {
            let password = read_secret("Redshift password: ")?;
            let mut config =
                RedshiftConfig::new(hostname, port, schema, database, username, password)
                    .with_skip_validation(skip_validation);
            if let (Some(server), Some(port), Some(user)) = (ssh_server, ssh_port, ssh_username) {
                config = config.with_ssh(SshTunnel::new(server, port, user));
            }
            match sink_type {
                #[allow(deprecated)]
                // reachable on purpose: scripts ported from the reference use it
                Some(sink) => {
                    client
                        .set_output_config(config, &sink, args.name.as_deref())
                        .await?
                }
                None => client.set_redshift_config(config).await?,
            }
        }
        (
            Some(SetKind::Snowflake {
                account_name,
                warehouse,
                schema,
                database,
                username,
                skip_validation,
            }),
            _,
        ) => {
            let password = read_secret("Snowflake password: ")?;
            let config = SnowflakeConfig::new(
                account_name,
                warehouse,
                schema,
                database,
                username,
                password,
            )
            .with_skip_validation(skip_validation);
            client.set_snowflake_config(config).await?
        }
        (
            Some(SetKind::Bigquery {
                project,
                dataset,
                skip_validation,
            }),
            _,
        ) => {
            let config =
                BigQueryConfig::new(project, dataset).with_skip_validation(skip_validation);
            client.set_bigquery_config(config).await?
        }
        (None, Some(file)) => {
            let mut doc: serde_json::Value = super::read_json(&file)?;
            super::restore_secrets(&mut doc, &file, || async {
                let current = client.get_output_config().await?;
                let map = current.map(|c| c.to_map()).transpose().map_err(|e| {
                    CliError::failed(format!("could not read the current configuration: {e}"))
                })?;
                Ok(map.map(serde_json::Value::Object).unwrap_or_default())
            })
            .await?;
            let serde_json::Value::Object(config) = doc else {
                return Err(CliError::usage(format!(
                    "{}: an output configuration is a JSON object",
                    file.display()
                )));
            };
            client
                .set_output(OutputConfig::Custom(config), args.name.as_deref())
                .await?
        }
        (None, None) => {
            return Err(CliError::usage(
                "give a configuration FILE, or `redshift` / `snowflake` / `bigquery`",
            ))
        }
    };
    match answer {
        Some(v) if !v.is_null() => ctx.out.value(&v),
        _ => ctx.out.done("the output's configuration is updated"),
    }
}
