//! `alooma tables …` and `alooma schemas …`: the output warehouse.

use crate::context::Ctx;
use crate::exit::CliError;
use alooma::mapping::parse_column_type;
use alooma::types::{Column, Schema};
use clap::{Args, Subcommand};
use std::path::PathBuf;

/// Table commands.
#[derive(Debug, Subcommand)]
pub enum TablesCmd {
    /// Tables with their columns (or only names with --shallow).
    List {
        /// Only tables of this schema.
        #[arg(long)]
        schema: Option<String>,
        /// Only the tables' names (`get_tables(shallow=true)`).
        #[arg(long)]
        shallow: bool,
    },
    /// Only the tables' names (`get_table_names`).
    Names {
        /// Only tables of this schema.
        #[arg(long)]
        schema: Option<String>,
    },
    /// Create a table (in the output's default schema, or --schema).
    Create {
        /// The columns.
        #[command(flatten)]
        columns: TableColumns,
        /// Create it in this schema (`POST tables/{schema}/{table}`).
        #[arg(long)]
        schema: Option<String>,
    },
    /// Change a table's columns.
    Alter(TableColumns),
    /// Drop a table (asks first unless --yes).
    Drop {
        /// The schema.
        schema: String,
        /// The table.
        table: String,
        /// Also drop what depends on it (views …).
        #[arg(long)]
        cascade: bool,
    },
    /// What depends on a table.
    Dependencies {
        /// The schema.
        schema: String,
        /// The table.
        table: String,
    },
}

/// A table and its columns.
#[derive(Debug, Args)]
pub struct TableColumns {
    /// The table's name.
    pub table: String,
    /// A column: NAME:TYPE, e.g. `id:BIGINT NOT NULL`, `email:VARCHAR(256)` (repeatable).
    #[arg(
        long = "column",
        value_name = "NAME:TYPE",
        required_unless_present = "file"
    )]
    pub columns: Vec<String>,
    /// The columns as JSON (a list of `{"columnName", "columnType", …}`).
    #[arg(long, conflicts_with = "columns")]
    pub file: Option<PathBuf>,
}

impl TableColumns {
    fn columns(&self) -> Result<Vec<Column>, CliError> {
        if let Some(file) = &self.file {
            return super::read_json(file);
        }
        self.columns
            .iter()
            .map(|spec| {
                let Some((name, ty)) = spec.split_once(':') else {
                    return Err(CliError::usage(format!(
                        "--column {spec:?}: expected NAME:TYPE, e.g. email:VARCHAR(256)"
                    )));
                };
                let ty =
                    parse_column_type(ty).map_err(|e| CliError::usage(format!("--column: {e}")))?;
                Ok(Column::new(name, ty))
            })
            .collect()
    }
}

/// Schema commands.
#[derive(Debug, Subcommand)]
pub enum SchemasCmd {
    /// Every schema.
    List,
    /// Create a schema.
    Create {
        /// The schema's name.
        name: String,
    },
}

/// Runs a table command.
pub async fn run(cmd: TablesCmd, ctx: &Ctx) -> Result<(), CliError> {
    match cmd {
        TablesCmd::List { schema, shallow } => {
            let tables = ctx
                .client()?
                .get_tables_with(shallow, schema.as_deref())
                .await?;
            ctx.out
                .columns(&tables, &["schema", "tableName", "columns"])
        }
        TablesCmd::Names { schema } => {
            let tables = ctx.client()?.get_table_names(schema.as_deref()).await?;
            ctx.out.columns(&tables, &["schema", "tableName"])
        }
        TablesCmd::Create {
            columns: args,
            schema,
        } => {
            let columns = args.columns()?;
            let client = ctx.client()?;
            let answer = match &schema {
                Some(schema) => {
                    client
                        .create_table_in_schema(schema, &args.table, &columns)
                        .await?
                }
                None => client.create_table(&args.table, &columns).await?,
            };
            match answer {
                Some(table) => ctx.out.value(&table),
                None => ctx.out.done(&format!("created table {}", args.table)),
            }
        }
        TablesCmd::Alter(args) => {
            let columns = args.columns()?;
            let answer = ctx.client()?.alter_table(&args.table, &columns).await?;
            match answer {
                Some(table) => ctx.out.value(&table),
                None => ctx.out.done(&format!("altered table {}", args.table)),
            }
        }
        TablesCmd::Drop {
            schema,
            table,
            cascade,
        } => {
            let client = ctx.client()?;
            let what = if cascade {
                " and everything that depends on it"
            } else {
                ""
            };
            ctx.confirm(&format!("drop the table {schema}.{table}{what}"))?;
            client.drop_table_with(&schema, &table, cascade).await?;
            ctx.out.done(&format!("dropped table {schema}.{table}"))
        }
        TablesCmd::Dependencies { schema, table } => {
            let deps = ctx
                .client()?
                .get_table_dependencies(&schema, &table)
                .await?;
            ctx.out.value(&deps)
        }
    }
}

/// Runs a schema command.
pub async fn run_schemas(cmd: SchemasCmd, ctx: &Ctx) -> Result<(), CliError> {
    match cmd {
        SchemasCmd::List => {
            let schemas = ctx.client()?.get_schemas().await?;
            ctx.out.value(&schemas)
        }
        SchemasCmd::Create { name } => {
            ctx.client()?
                .create_schema(&Schema::new(name.clone()))
                .await?;
            ctx.out.done(&format!("created schema {name}"))
        }
    }
}
