//! The deployment (`GET deployInfo`): [`DeploymentInfo`], and Alooma's
//! public deploy key [`ALOOMA_PUBLIC_SSH_KEY`].

use crate::{Extra, Maybe};

/// Alooma's public SSH deploy key: add it to `authorized_keys` on an SSH
/// tunnel server to let Alooma connect without a password
/// (`get_public_ssh_key`).
pub const ALOOMA_PUBLIC_SSH_KEY: &str =
    "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC+t5OKwGcUGYRdDAC8ov\
blV/10AoBfuI/nmkxgRx0J+M3tIdTdxW0Layqb6Xtz8PMsxy1uhM+Rw6cX\
hU/FQWbOr7MB5hJUqXY5OI4NVtI+cc2diCyYUjgCIb7dBSKoyZecJqp3bQ\
uekuZT/OwZ40vLc42g6cUV01b5loV9pU9DvRl6zZXHyrE7fssJ90q2lhvu\
BjltU7g543bUklkYtzwqzYpcynNyrCBSWd85aa/3cVPdiugk7hV4nuUk3m\
VEX/l4GDIsTkLIRzHUHDwt5aWGzhpwdle9D/fxshCbp5nkcg1arSdTveyM\
/PdJJEHh65986tgprbI0Lz+geqYmASgF deploy@alooma.io";

/// Information about the deployment serving the account (`GET deployInfo`).
///
/// ```
/// use alooma_types::DeploymentInfo;
/// let d: DeploymentInfo = serde_json::from_str(
///     r#"{"deploymentName":"acme-1","gitBranch":"origin/master","region":"us"}"#).unwrap();
/// assert_eq!(d.deployment_name.as_deref(), Some("acme-1"));
/// assert_eq!(d.extra["region"], "us");
/// ```
#[crate::model(rename_all = "camelCase")]
#[derive(Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
pub struct DeploymentInfo {
    /// The deployment's name.
    pub deployment_name: Maybe<String>,
    /// The git branch deployed.
    pub git_branch: Maybe<String>,
    /// The git commit deployed.
    pub git_commit_id: Maybe<String>,
    /// The e-mail of the commit's author.
    pub git_author_email: Maybe<String>,
    /// When the deployed build was made (`2018-06-13T20:31:54Z`).
    pub build_timestamp: Maybe<String>,
    /// Everything else, kept verbatim.
    pub extra: Extra,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_key_is_one_ssh_rsa_line() {
        // The reference's string, joined from its seven literals.
        let parts: Vec<&str> = ALOOMA_PUBLIC_SSH_KEY.split(' ').collect();
        assert_eq!(parts.len(), 3);
        assert_eq!(parts[0], "ssh-rsa");
        assert_eq!(parts[1].len(), 372);
        assert!(parts[1].starts_with("AAAAB3NzaC1yc2EAAAADAQABAAABAQC+t5OKwGcUGYRdDAC8ovblV/10"));
        assert!(parts[1].ends_with("/PdJJEHh65986tgprbI0Lz+geqYmASgF"));
        assert_eq!(parts[2], "deploy@alooma.io");
        assert_eq!(ALOOMA_PUBLIC_SSH_KEY.len(), 397);
    }
}
