//! Lookup failures, and how OpenShift words each one in the `ImportSuccess` condition (reference §7).

use super::{Outcome, Reason};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LookupError {
    /// The registry answered `MANIFEST_UNKNOWN`.
    ManifestUnknown,
    /// 401/`UNAUTHORIZED`, or no credentials were accepted.
    Unauthorized,
    /// The token service rejected the credentials as "incorrect username or password".
    BadCredentials,
    /// Anything else, with the error text the importer would show after `R: `.
    Other(String),
}

impl LookupError {
    pub fn other(text: impl Into<String>) -> Self {
        LookupError::Other(text.into())
    }

    /// The failed outcome for a lookup shown to users as `display`.
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
            LookupError::Other(text) => (
                Reason::InternalError,
                format!("Internal error occurred: {display}: {text}"),
            ),
        };
        Outcome::Failed { reason, message }
    }
}

/// Reads a distribution error body (`{"errors":[{"code","message"}]}`) into the error the importer
/// reports: Go's errcode text is the code in lower case with spaces, then `: message`.
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
    let parsed = serde_json::from_slice::<Body>(body).ok();
    let Some(first) = parsed.as_ref().and_then(|b| b.errors.first()) else {
        return match status {
            401 => LookupError::Unauthorized,
            _ => LookupError::Other(format!("unexpected status code {status}")),
        };
    };
    match first.code.as_str() {
        "MANIFEST_UNKNOWN" => LookupError::ManifestUnknown,
        "UNAUTHORIZED" => LookupError::Unauthorized,
        code => {
            let name = code.to_ascii_lowercase().replace('_', " ");
            if first.message.is_empty() {
                LookupError::Other(name)
            } else {
                LookupError::Other(format!("{name}: {}", first.message))
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
        assert_eq!(
            from_error_body(418, b"<html>"),
            LookupError::Other("unexpected status code 418".into())
        );
    }
}
