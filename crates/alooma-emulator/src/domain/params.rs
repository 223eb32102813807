//! Query-string parameters, as a request carried them and a cassette
//! recorded them.

/// The parsed query string: decoded `name=value` pairs in request order.
#[derive(Debug, Default, Clone)]
pub(crate) struct Query {
    pairs: Vec<(String, String)>,
}

impl Query {
    /// Parses a raw query string; `+` is a space and `%XX` is decoded once.
    pub(crate) fn parse(raw: Option<&str>) -> Self {
        let pairs = raw
            .unwrap_or("")
            .split('&')
            .filter(|p| !p.is_empty())
            .map(|p| {
                let (k, v) = p.split_once('=').unwrap_or((p, ""));
                (decode_query_part(k), decode_query_part(v))
            })
            .collect();
        Self { pairs }
    }

    /// The first value of `name`.
    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// Every value of `name`, in order.
    pub(crate) fn all(&self, name: &str) -> Vec<&str> {
        self.pairs
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// Every pair, in request order.
    pub(crate) fn pairs(&self) -> impl Iterator<Item = (&str, &str)> {
        self.pairs.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// `name` read as a boolean flag (`true`/`True`/`1` are true).
    pub(crate) fn flag(&self, name: &str) -> bool {
        matches!(self.get(name), Some("true" | "True" | "TRUE" | "1"))
    }
}

fn decode_query_part(part: &str) -> String {
    let spaced = part.replace('+', " ");
    percent_encoding::percent_decode_str(&spaced)
        .decode_utf8_lossy()
        .into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_decodes_plus_and_percent_and_keeps_repeats() {
        let q = Query::parse(Some("eventType=a%2Fb+c&status=VALID&status=DROP&flag"));
        assert_eq!(q.get("eventType"), Some("a/b c"));
        assert_eq!(q.all("status"), vec!["VALID", "DROP"]);
        assert_eq!(q.get("flag"), Some(""));
        assert!(!q.flag("flag"));
        assert!(Query::parse(Some("all=True")).flag("all"));
    }
}
