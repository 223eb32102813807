//! `alooma settings …`: e-mail notifications and S3 retention.

use crate::context::{read_secret, Ctx};
use crate::exit::CliError;
use alooma::types::{EmailNotifications, S3RetentionOptions};
use clap::Subcommand;
use std::path::PathBuf;

/// Settings commands.
#[derive(Debug, Subcommand)]
pub enum SettingsCmd {
    /// Every setting (secrets are never printed).
    Get,
    /// Set the e-mail notification settings (the defaults without --file).
    EmailNotifications {
        /// The settings (JSON object; `-` for standard input).
        #[arg(long)]
        file: Option<PathBuf>,
    },
    /// Keep a copy of every event in S3 (the secret key is read from
    /// standard input or a prompt).
    S3Retention {
        /// The bucket.
        #[arg(long)]
        bucket: String,
        /// The AWS access key id.
        #[arg(long, value_name = "ID")]
        access_key_id: String,
        /// Only under this prefix.
        #[arg(long)]
        prefix: Option<String>,
        /// Do not save metadata.
        #[arg(long)]
        no_metadata: bool,
        /// Do not gzip.
        #[arg(long)]
        no_gzip: bool,
        /// Do not ask for server-side encryption.
        #[arg(long)]
        no_encryption: bool,
    },
    /// Stop keeping events in S3.
    DeleteS3Retention,
}

/// Runs a settings command.
pub async fn run(cmd: SettingsCmd, ctx: &Ctx) -> Result<(), CliError> {
    match cmd {
        SettingsCmd::Get => {
            let settings = ctx.client()?.get_settings().await?;
            ctx.out.value(&settings)
        }
        SettingsCmd::EmailNotifications { file } => {
            let settings: EmailNotifications = match file {
                Some(path) => super::read_json(&path)?,
                None => EmailNotifications::default(),
            };
            ctx.client()?
                .set_settings_email_notifications(&settings)
                .await?;
            ctx.out.done("e-mail notification settings updated")
        }
        SettingsCmd::S3Retention {
            bucket,
            access_key_id,
            prefix,
            no_metadata,
            no_gzip,
            no_encryption,
        } => {
            let client = ctx.client()?;
            let secret = read_secret("AWS secret access key: ")?;
            let mut options = S3RetentionOptions::default()
                .save_metadata(!no_metadata)
                .gzip(!no_gzip)
                .server_side_encryption(!no_encryption);
            if let Some(p) = prefix {
                options = options.file_prefix(p);
            }
            client
                .set_s3_retention(&bucket, &access_key_id, secret, options)
                .await?;
            ctx.out.done(&format!("events are kept in s3://{bucket}"))
        }
        SettingsCmd::DeleteS3Retention => {
            let client = ctx.client()?;
            ctx.confirm("remove the S3 retention settings")?;
            client.delete_s3_retention().await?;
            ctx.out.done("S3 retention removed")
        }
    }
}
