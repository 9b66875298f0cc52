//! Who and where: flags, then `ZENLAYER_*` variables, then zeno's files
//! (`~/.zenlayer/config.json`, `~/.zenlayer/credentials.json`), then defaults. The official
//! SDKs' `ZENLAYERCLOUD_*` variables are read too, after zeno's.

use serde::Deserialize;
use std::collections::HashMap;
use std::path::PathBuf;
use zec_sdk::{Config, Credential};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Output {
    Json,
    Table,
}

impl Output {
    pub fn parse(s: &str) -> Result<Self, String> {
        match s {
            "json" => Ok(Output::Json),
            "table" => Ok(Output::Table),
            other => Err(format!(
                "unsupported output format: {other} (json or table)"
            )),
        }
    }
}

/// What the global flags said.
#[derive(Debug, Default, Clone)]
pub struct Flags {
    pub profile: Option<String>,
    pub output: Option<String>,
    pub access_key_id: Option<String>,
    pub access_key_secret: Option<String>,
    pub token: Option<String>,
    pub endpoint: Option<String>,
    pub ca_bundle: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
struct ConfigFile {
    #[serde(default)]
    current_profile: Option<String>,
    #[serde(default)]
    profiles: HashMap<String, ProfileSettings>,
}

#[derive(Debug, Default, Deserialize)]
struct ProfileSettings {
    #[serde(default)]
    output: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
struct CredentialEntry {
    #[serde(default)]
    access_key_id: Option<String>,
    #[serde(default)]
    access_key_secret: Option<String>,
    #[serde(default)]
    token: Option<String>,
}

/// Everything a call needs, resolved.
#[derive(Debug)]
pub struct Settings {
    pub config: Config,
    pub credential: Option<Credential>,
    /// `None`: the default (a table on a terminal, JSON otherwise).
    pub output: Option<Output>,
}

fn non_empty(v: Option<String>) -> Option<String> {
    v.filter(|s| !s.trim().is_empty())
}

fn credential(
    id: Option<String>,
    secret: Option<String>,
    token: Option<String>,
) -> Option<Credential> {
    match (non_empty(token), non_empty(id), non_empty(secret)) {
        (Some(t), _, _) => Some(Credential::bearer(&t)),
        (None, Some(id), Some(secret)) => Some(Credential::access_key(&id, &secret)),
        _ => None,
    }
}

/// Resolves the settings; `var` reads the environment, `home` is where `.zenlayer` lives.
pub fn resolve(
    flags: &Flags,
    var: impl Fn(&str) -> Option<String>,
    home: Option<PathBuf>,
) -> Result<Settings, String> {
    let dir = home.map(|h| h.join(".zenlayer"));
    let read = |name: &str| -> Result<Option<String>, String> {
        let Some(dir) = &dir else { return Ok(None) };
        let path = dir.join(name);
        match std::fs::read_to_string(&path) {
            Ok(text) => Ok(Some(text)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(format!("cannot read {}: {e}", path.display())),
        }
    };
    let config: ConfigFile = match read("config.json")? {
        Some(t) => serde_json::from_str(&t).map_err(|e| format!("~/.zenlayer/config.json: {e}"))?,
        None => ConfigFile::default(),
    };
    let credentials: HashMap<String, CredentialEntry> = match read("credentials.json")? {
        Some(t) => {
            serde_json::from_str(&t).map_err(|e| format!("~/.zenlayer/credentials.json: {e}"))?
        }
        None => HashMap::new(),
    };
    let named = non_empty(flags.profile.clone()).or_else(|| non_empty(var("ZENLAYER_PROFILE")));
    let profile = named
        .clone()
        .or_else(|| non_empty(config.current_profile.clone()))
        .unwrap_or_else(|| "default".into());
    if named.is_some()
        && !config.profiles.contains_key(&profile)
        && !credentials.contains_key(&profile)
    {
        return Err(format!(
            "profile '{profile}' does not exist in ~/.zenlayer (zeno configure makes one)"
        ));
    }
    let file_credential = credentials.get(&profile).and_then(|c| {
        credential(
            c.access_key_id.clone(),
            c.access_key_secret.clone(),
            c.token.clone(),
        )
    });
    // Each source gives a whole credential or nothing; the first that gives one wins.
    let credential = credential(
        flags.access_key_id.clone(),
        flags.access_key_secret.clone(),
        flags.token.clone(),
    )
    .or_else(|| {
        credential(
            var("ZENLAYER_ACCESS_KEY_ID"),
            var("ZENLAYER_ACCESS_KEY_SECRET"),
            var("ZENLAYER_TOKEN"),
        )
    })
    .or_else(|| {
        credential(
            var("ZENLAYERCLOUD_ACCESS_KEY_ID"),
            var("ZENLAYERCLOUD_ACCESS_KEY_PASSWORD"),
            None,
        )
    })
    .or(file_credential);

    let mut cfg = Config::from_vars(&var).map_err(|e| e.to_string())?;
    if let Some(endpoint) =
        non_empty(flags.endpoint.clone()).or_else(|| non_empty(var("ZENLAYER_ENDPOINT")))
    {
        cfg = cfg.with_endpoint(&endpoint).map_err(|e| e.to_string())?;
    }
    if let Some(bundle) =
        non_empty(flags.ca_bundle.clone()).or_else(|| non_empty(var("ZENLAYER_CA_BUNDLE")))
    {
        cfg = cfg
            .with_ca_bundle(std::path::Path::new(&bundle))
            .map_err(|e| e.to_string())?;
    }
    cfg.request_client = Some("zec".into());

    let output = non_empty(flags.output.clone())
        .or_else(|| non_empty(var("ZENLAYER_OUTPUT")))
        .or_else(|| config.profiles.get(&profile).and_then(|p| p.output.clone()))
        .map(|o| Output::parse(&o))
        .transpose()?;
    Ok(Settings {
        config: cfg,
        credential,
        output,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use zec_sdk::Scheme;

    fn env(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |k| {
            pairs
                .iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| v.to_string())
        }
    }

    fn home(config: &str, credentials: &str) -> tempfile::TempDir {
        let d = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(d.path().join(".zenlayer")).unwrap();
        std::fs::write(d.path().join(".zenlayer/config.json"), config).unwrap();
        std::fs::write(d.path().join(".zenlayer/credentials.json"), credentials).unwrap();
        d
    }

    const CONFIG: &str = r#"{"current_profile":"prod","profiles":{"default":{"output":"json"},"prod":{"output":"table"}}}"#;
    const CREDENTIALS: &str = r#"{"default":{"access_key_id":"AK1","access_key_secret":"S1"},"prod":{"token":"pat_prod"}}"#;

    #[test]
    fn files_give_the_current_profile() {
        let h = home(CONFIG, CREDENTIALS);
        let s = resolve(&Flags::default(), env(&[]), Some(h.path().into())).unwrap();
        assert_eq!(s.credential, Some(Credential::bearer("pat_prod")));
        assert_eq!(s.output, Some(Output::Table));
        assert_eq!(
            (s.config.scheme, s.config.domain.as_str()),
            (Scheme::Https, "console.zenlayer.com")
        );
    }

    #[test]
    fn flags_beat_the_environment_which_beats_the_files() {
        let h = home(CONFIG, CREDENTIALS);
        let vars = env(&[
            ("ZENLAYER_ACCESS_KEY_ID", "AKENV"),
            ("ZENLAYER_ACCESS_KEY_SECRET", "SENV"),
            ("ZENLAYER_ENDPOINT", "http://127.0.0.1:9"),
            ("ZENLAYER_OUTPUT", "json"),
        ]);
        let s = resolve(&Flags::default(), &vars, Some(h.path().into())).unwrap();
        assert_eq!(s.credential, Some(Credential::access_key("AKENV", "SENV")));
        assert_eq!(s.output, Some(Output::Json));
        assert_eq!(s.config.domain, "127.0.0.1:9");
        let flags = Flags {
            profile: Some("default".into()),
            token: Some("pat_flag".into()),
            endpoint: Some("http://127.0.0.1:8080".into()),
            ..Flags::default()
        };
        let s = resolve(&flags, &vars, Some(h.path().into())).unwrap();
        assert_eq!(s.credential, Some(Credential::bearer("pat_flag")));
        assert_eq!(
            (s.config.scheme, s.config.domain.as_str()),
            (Scheme::Http, "127.0.0.1:8080")
        );
    }

    #[test]
    fn the_official_sdk_variables_work_too_and_unknown_profiles_are_refused() {
        let vars = env(&[
            ("ZENLAYERCLOUD_ACCESS_KEY_ID", "AKTF"),
            ("ZENLAYERCLOUD_ACCESS_KEY_PASSWORD", "STF"),
            ("ZENLAYERCLOUD_DOMAIN", "127.0.0.1:8080"),
            ("ZENLAYERCLOUD_SCHEME", "HTTP"),
        ]);
        let s = resolve(&Flags::default(), &vars, None).unwrap();
        assert_eq!(s.credential, Some(Credential::access_key("AKTF", "STF")));
        assert_eq!(
            (s.config.scheme, s.config.domain.as_str()),
            (Scheme::Http, "127.0.0.1:8080")
        );
        let h = home(CONFIG, CREDENTIALS);
        let flags = Flags {
            profile: Some("nope".into()),
            ..Flags::default()
        };
        assert!(
            resolve(&flags, env(&[]), Some(h.path().into()))
                .unwrap_err()
                .contains("nope")
        );
        let bad = Flags {
            output: Some("xml".into()),
            ..Flags::default()
        };
        assert!(resolve(&bad, env(&[]), None).is_err());
    }
}
