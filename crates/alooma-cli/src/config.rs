//! The config file and its profiles, the credentials file, and the
//! environment variables.
//!
//! `$XDG_CONFIG_HOME/alooma/config.toml` (`~/.config/alooma/config.toml`;
//! `%APPDATA%\alooma\config.toml` on Windows; `ALOOMA_CONFIG_DIR` moves
//! both files):
//!
//! ```toml
//! [profiles.default]
//! base_url = "http://127.0.0.1:8080"
//! account = "acme"
//! output = "table"
//!
//! [profiles.prod]
//! account = "acme-prod"
//! username = "ops@example.com"
//! ca_bundle = "/etc/ssl/corp-ca.pem"
//! ```
//!
//! API keys live beside it in `credentials.toml`
//! (`[profiles.prod] api_key = "…"`), which must not be readable by group
//! or others (mode 0600): a looser file is refused.

use crate::exit::CliError;
use crate::output::Format;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// What `alooma help environment` prints.
pub const ENVIRONMENT: &str = "\
The environment variables alooma reads (a flag given on the command line wins over its variable, and a variable over the profile):

  ALOOMA_BASE_URL      the service's base URL (--base-url)
  ALOOMA_ACCOUNT       the account name (--account)
  ALOOMA_API_KEY       the API key (never a flag; or --api-key-stdin, or the profile's credentials file)
  ALOOMA_USERNAME      log in as this user (--username)
  ALOOMA_PASSWORD      that user's password (else a prompt that does not echo)
  ALOOMA_PROFILE       the profile of the config file (--profile)
  ALOOMA_CONFIG_DIR    where config.toml and credentials.toml are [default: $XDG_CONFIG_HOME/alooma]
  ALOOMA_CA_BUNDLE     a PEM file of CA certificates to trust besides the system's
  ALOOMA_SECRET_<NAME> values for `alooma pipeline` secret references
  HTTPS_PROXY, HTTP_PROXY, ALL_PROXY, NO_PROXY (and lower-case)
                       the proxy for https:// and http:// URLs, and the hosts that bypass it
  ALOOMA_PROGRESS      always / never: the retry status line on standard error [default: on a terminal]
  ALOOMA_PYTHON        the Python interpreter that runs Code Engine code (code test, emulator serve,
                       pipeline apply --test-code; --python) [default: python3]
  XDG_CONFIG_HOME      the base of the config directory
  RUST_LOG             the log filter (overrides -v)
  NO_COLOR             no colours in logs";

/// One profile of the config file.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    /// The service's base URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_url: Option<String>,
    /// The account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
    /// Log in as this user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// The default output format.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output: Option<Format>,
    /// A PEM bundle of extra CA certificates.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ca_bundle: Option<PathBuf>,
    /// A proxy URL for every request (instead of the environment's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proxy: Option<String>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct ConfigFile {
    #[serde(default)]
    profiles: BTreeMap<String, Profile>,
}

#[derive(Default, Serialize, Deserialize)]
struct CredentialsFile {
    #[serde(default)]
    profiles: BTreeMap<String, Credentials>,
}

#[derive(Default, Serialize, Deserialize)]
struct Credentials {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    api_key: Option<String>,
}

/// The directory of config.toml and credentials.toml.
pub fn dir() -> Result<PathBuf, CliError> {
    if let Some(d) = std::env::var_os("ALOOMA_CONFIG_DIR") {
        return Ok(PathBuf::from(d));
    }
    use etcetera::BaseStrategy;
    etcetera::choose_base_strategy()
        .map(|s| s.config_dir().join("alooma"))
        .map_err(|e| CliError::failed(format!("cannot find the config directory: {e}")))
}

fn read_toml<T: for<'de> Deserialize<'de> + Default>(path: &Path) -> Result<T, CliError> {
    match std::fs::read_to_string(path) {
        Ok(text) => {
            toml::from_str(&text).map_err(|e| CliError::usage(format!("{}: {e}", path.display())))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(T::default()),
        Err(e) => Err(CliError::failed(format!(
            "could not read {}: {e}",
            path.display()
        ))),
    }
}

/// The profile chosen by `--profile`/`ALOOMA_PROFILE` (an error when it is
/// not in the file), or `default` when the file has one; with its name.
pub fn profile(name: Option<&str>) -> Result<Option<(String, Profile)>, CliError> {
    let path = dir()?.join("config.toml");
    let file: ConfigFile = read_toml(&path)?;
    match name {
        Some(n) => match file.profiles.get(n) {
            Some(p) => Ok(Some((n.to_owned(), p.clone()))),
            None => Err(CliError::usage(format!(
                "no profile {n:?} in {} (profiles: {}); write one with `alooma --profile {n} configure …`",
                path.display(),
                if file.profiles.is_empty() {
                    "none".to_owned()
                } else {
                    file.profiles.keys().cloned().collect::<Vec<_>>().join(", ")
                }
            ))),
        },
        None => Ok(file.profiles.get("default").map(|p| ("default".to_owned(), p.clone()))),
    }
}

/// The profile's API key from credentials.toml, refused when the file is
/// readable by group or others.
pub fn api_key(profile: &str) -> Result<Option<String>, CliError> {
    let path = dir()?.join("credentials.toml");
    if !path.exists() {
        return Ok(None);
    }
    check_private(&path)?;
    let file: CredentialsFile = read_toml(&path)?;
    Ok(file.profiles.get(profile).and_then(|c| c.api_key.clone()))
}

#[cfg(unix)]
fn check_private(path: &Path) -> Result<(), CliError> {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(path)
        .map_err(|e| CliError::failed(format!("could not read {}: {e}", path.display())))?
        .permissions()
        .mode();
    if mode & 0o077 != 0 {
        return Err(CliError::usage(format!(
            "{} holds API keys but is readable by others (mode {:o}); run `chmod 600 {}`",
            path.display(),
            mode & 0o777,
            path.display()
        )));
    }
    Ok(())
}

#[cfg(not(unix))]
fn check_private(_path: &Path) -> Result<(), CliError> {
    Ok(())
}

/// Writes `text` to `path` with mode 0600 (on Unix), through a temporary
/// file beside it.
fn write_private(path: &Path, text: &str) -> Result<(), CliError> {
    let fail =
        |e: std::io::Error| CliError::failed(format!("could not write {}: {e}", path.display()));
    let parent = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent).map_err(fail)?;
    let tmp = path.with_extension("toml.tmp");
    {
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let mut file = options.open(&tmp).map_err(fail)?;
        std::io::Write::write_all(&mut file, text.as_bytes()).map_err(fail)?;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&tmp, std::fs::Permissions::from_mode(0o600)).map_err(fail)?;
    }
    std::fs::rename(&tmp, path).map_err(fail)
}

/// Stores `profile` under `name` (merged over what is there: a `None`
/// keeps the current value) and, when given, its API key. Returns the
/// files written.
pub fn save(name: &str, update: &Profile, api_key: Option<&str>) -> Result<Vec<PathBuf>, CliError> {
    let dir = dir()?;
    let path = dir.join("config.toml");
    let mut file: ConfigFile = read_toml(&path)?;
    let entry = file.profiles.entry(name.to_owned()).or_default();
    macro_rules! merge {
        ($($f:ident),*) => { $( if update.$f.is_some() { entry.$f = update.$f.clone(); } )* };
    }
    merge!(base_url, account, username, output, ca_bundle, proxy);
    let text = toml::to_string_pretty(&file)
        .map_err(|e| CliError::failed(format!("could not write the config: {e}")))?;
    std::fs::create_dir_all(&dir)
        .map_err(|e| CliError::failed(format!("could not create {}: {e}", dir.display())))?;
    std::fs::write(&path, text)
        .map_err(|e| CliError::failed(format!("could not write {}: {e}", path.display())))?;
    let mut written = vec![path];
    if let Some(key) = api_key {
        let cpath = dir.join("credentials.toml");
        if cpath.exists() {
            check_private(&cpath)?;
        }
        let mut creds: CredentialsFile = read_toml(&cpath)?;
        creds.profiles.entry(name.to_owned()).or_default().api_key = Some(key.to_owned());
        let text = toml::to_string_pretty(&creds)
            .map_err(|e| CliError::failed(format!("could not write the credentials: {e}")))?;
        write_private(&cpath, &text)?;
        written.push(cpath);
    }
    Ok(written)
}
