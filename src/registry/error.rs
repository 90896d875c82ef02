//! Lookup failures: what OpenShift records in the `ImportSuccess` condition (reference §7), and the
//! failures that say nothing about the tag, which are never recorded (DESIGN.md, "failures").

use super::{Outcome, Reason};
use crate::sanitize;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LookupError {
    /// The registry answered `MANIFEST_UNKNOWN`.
    ManifestUnknown,
    /// 401/`UNAUTHORIZED`, or no credentials were accepted.
    Unauthorized,
    /// The token service rejected the credentials as "incorrect username or password".
    BadCredentials,
    /// Any other answer the registry gave about the tag (another error code, a manifest the importer
    /// cannot use), with the error text the importer would show after `R: `. Recorded.
    Registry(String),
    /// A failure that says nothing about the tag: the network, TLS, a timeout, a 5xx or 429 that
    /// outlived its retries, a paused quota, a set-up error, a digest that does not verify. The cluster
    /// could import the tag fine, so nothing is recorded; `fix` tells the user what to do.
    Inconclusive { cause: String, fix: String },
}

impl LookupError {
    /// The registry said `text` about the tag.
    pub fn registry(text: impl Into<String>) -> Self {
        LookupError::Registry(text.into())
    }

    /// A failure that says nothing about the tag, with what the user can do about it.
    pub fn inconclusive(cause: impl Into<String>, fix: impl Into<String>) -> Self {
        LookupError::Inconclusive {
            cause: cause.into(),
            fix: fix.into(),
        }
    }

    /// Whether the importer would record this failure in status.
    pub fn recorded(&self) -> bool {
        !matches!(self, LookupError::Inconclusive { .. })
    }

    /// The outcome for a lookup shown to users as `display`.
    pub fn into_outcome(self, display: &str) -> Outcome {
        let (reason, message) = match self {
            LookupError::ManifestUnknown => (
                Reason::NotFound,
                format!("dockerimage.image.openshift.io \"{display}\" not found"),
            ),
            LookupError::Unauthorized => (
                Reason::Unauthorized,
                format!("you may not have access to the container image \"{display}\""),
            ),
            LookupError::BadCredentials => (
                Reason::Unauthorized,
                format!("incorrect username or password for image \"{display}\""),
            ),
            LookupError::Registry(text) => (
                Reason::InternalError,
                format!(
                    "Internal error occurred: {display}: {}",
                    sanitize::remote(&text)
                ),
            ),
            LookupError::Inconclusive { cause, fix } => {
                return Outcome::Inconclusive {
                    cause: sanitize::remote(&cause),
                    fix,
                };
            }
        };
        Outcome::Failed { reason, message }
    }

    /// The short text of this failure at one place, for a message that names every place asked.
    pub fn short(&self) -> String {
        match self {
            LookupError::ManifestUnknown => "manifest unknown".into(),
            LookupError::Unauthorized => "unauthorized".into(),
            LookupError::BadCredentials => "incorrect username or password".into(),
            LookupError::Registry(text) => sanitize::remote(text),
            LookupError::Inconclusive { cause, .. } => sanitize::remote(cause),
        }
    }
}

/// What to do when a registry keeps answering 5xx or 429.
pub const FIX_RETRY_LATER: &str =
    "the registry is failing or limiting requests; nothing was recorded: run again later";

/// Reads a distribution error body (`{"errors":[{"code","message"}]}`) into the error the importer
/// reports: Go's errcode text is the code in lower case with spaces, then `: message`. A 5xx or 429
/// says nothing about the tag whatever its body says.
pub fn from_error_body(status: u16, body: &[u8]) -> LookupError {
    #[derive(serde::Deserialize)]
    struct Body {
        errors: Vec<Entry>,
    }
    #[derive(serde::Deserialize)]
    struct Entry {
        code: String,
        #[serde(default)]
        message: String,
    }
    if status == 429 || status >= 500 {
        return LookupError::inconclusive(
            format!("unexpected status code {status}"),
            FIX_RETRY_LATER,
        );
    }
    let parsed = serde_json::from_slice::<Body>(body).ok();
    let Some(first) = parsed.as_ref().and_then(|b| b.errors.first()) else {
        return match status {
            401 => LookupError::Unauthorized,
            _ => LookupError::Registry(format!("unexpected status code {status}")),
        };
    };
    match first.code.as_str() {
        "MANIFEST_UNKNOWN" => LookupError::ManifestUnknown,
        "UNAUTHORIZED" => LookupError::Unauthorized,
        "TOOMANYREQUESTS" => LookupError::inconclusive(
            format!("toomanyrequests: {}", first.message),
            FIX_RETRY_LATER,
        ),
        code => {
            let name = code.to_ascii_lowercase().replace('_', " ");
            if first.message.is_empty() {
                LookupError::Registry(name)
            } else {
                LookupError::Registry(format!("{name}: {}", first.message))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_openshifts() {
        let r = "docker.io/library/mysql:8";
        assert_eq!(
            LookupError::ManifestUnknown.into_outcome(r),
            Outcome::Failed {
                reason: Reason::NotFound,
                message: "dockerimage.image.openshift.io \"docker.io/library/mysql:8\" not found"
                    .into()
            }
        );
        let name_unknown = from_error_body(
            404,
            br#"{"errors":[{"code":"NAME_UNKNOWN","message":"repository name not known to registry"}]}"#,
        );
        assert_eq!(
            name_unknown.into_outcome(r),
            Outcome::Failed {
                reason: Reason::InternalError,
                message: "Internal error occurred: docker.io/library/mysql:8: name unknown: repository name not known to registry".into()
            }
        );
        assert_eq!(from_error_body(401, b""), LookupError::Unauthorized);
        assert!(!from_error_body(503, br#"{"errors":[{"code":"MANIFEST_UNKNOWN"}]}"#).recorded());
        assert!(!from_error_body(429, b"").recorded());
        assert_eq!(
            from_error_body(418, b"<html>"),
            LookupError::Registry("unexpected status code 418".into())
        );
    }
}
